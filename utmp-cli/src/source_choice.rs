//! `--source SOURCE|auto`: where `who` and `last` read from.
//!
//! The names are the library's [`Source`] names (its one list); each command
//! says only which sources it takes, in the order its help shows them.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use utmp::Source;

/// The value of `--source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceArg {
    /// The command's own choice.
    Auto,
    /// This source.
    Named(Source),
}

/// The parser of a `--source` that takes `auto` (described by `auto`) and
/// `sources`, each with its description for `--help` (none: the values are
/// listed on one line).
pub fn parser(
    auto: Option<&'static str>,
    sources: &[(Source, Option<&'static str>)],
) -> impl TypedValueParser<Value = SourceArg> {
    let named = sources
        .iter()
        .map(|&(source, help)| PossibleValue::new(source.as_str()).help(help));
    let values = std::iter::once(PossibleValue::new("auto").help(auto)).chain(named);
    PossibleValuesParser::new(values).try_map(|name: String| match name.as_str() {
        "auto" => Ok(SourceArg::Auto),
        name => name.parse().map(SourceArg::Named),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Args {
        #[arg(long, default_value = "auto", value_parser = parser(None, &[
            (Source::Wtmp, None),
            (Source::Logind, None),
        ]))]
        source: SourceArg,
    }

    fn parse(args: &[&str]) -> Result<SourceArg, clap::Error> {
        Args::try_parse_from(std::iter::once("t").chain(args.iter().copied())).map(|a| a.source)
    }

    #[test]
    fn takes_auto_and_the_listed_sources_by_the_library_names() {
        assert_eq!(parse(&[]).ok(), Some(SourceArg::Auto));
        assert_eq!(parse(&["--source", "auto"]).ok(), Some(SourceArg::Auto));
        for source in [Source::Wtmp, Source::Logind] {
            let got = parse(&["--source", source.as_str()]).ok();
            assert_eq!(got, Some(SourceArg::Named(source)));
        }
        let refused = parse(&["--source", Source::Utmp.as_str()]).map_err(|e| e.kind());
        assert_eq!(refused, Err(clap::error::ErrorKind::InvalidValue));
        let refused = parse(&["--source", "Wtmp"]).map_err(|e| e.kind());
        assert_eq!(refused, Err(clap::error::ErrorKind::InvalidValue));
    }
}
