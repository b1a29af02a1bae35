//! What every command shares: the error type and how a run ends.

use std::io;
use std::process::ExitCode;

/// Why a command failed at run time (exit code 1).
#[derive(Debug)]
pub enum Failure {
    /// From the library.
    Utmp(utmp::Error),
    /// Writing the output (other than a closed pipe).
    Io(io::Error),
    /// Anything else, already worded.
    Message(String),
    /// Options that do not go together (exit code 2, like clap's errors).
    Usage(String),
}

impl From<utmp::Error> for Failure {
    fn from(e: utmp::Error) -> Self {
        Failure::Utmp(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

/// A command's result.
pub type Outcome = Result<(), Failure>;

/// Ends the process: 0 on success and on a closed output pipe (`| head`),
/// 2 for a usage error, 1 with one line on stderr otherwise.
pub fn exit(result: Outcome) -> ExitCode {
    let message = match result {
        Ok(()) => return ExitCode::SUCCESS,
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(Failure::Utmp(utmp::Error::Io { error, .. }))
            if error.kind() == io::ErrorKind::BrokenPipe =>
        {
            return ExitCode::SUCCESS
        }
        Err(Failure::Utmp(e)) => e.to_string(),
        Err(Failure::Io(e)) => e.to_string(),
        Err(Failure::Message(m)) => m,
        Err(Failure::Usage(m)) => {
            eprintln!("utmp: {m}");
            return ExitCode::from(2);
        }
    };
    eprintln!("utmp: {message}");
    ExitCode::FAILURE
}
