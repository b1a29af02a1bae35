/* Input of bindgen for utmp-sys: the host's login-record headers. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* glibc: RUN_LVL, ACCOUNTING, utmpxname; musl: utmpxname */
#endif
#if defined(__sun) && !defined(__EXTENSIONS__)
#define __EXTENSIONS__ 1 /* illumos/Solaris: utmpxname, UTMPX_FILE, struct exit_status */
#endif
#if defined(__APPLE__) && !defined(_DARWIN_C_SOURCE)
#define _DARWIN_C_SOURCE 1 /* macOS: utmpxname, SIGNATURE, SHUTDOWN_TIME */
#endif
#if defined(__NetBSD__) && !defined(_NETBSD_SOURCE)
#define _NETBSD_SOURCE 1 /* NetBSD: utmpxname, ACCOUNTING, SIGNATURE, DOWN_TIME */
#endif
#if defined(__has_include)
#if __has_include(<utmpx.h>)
#include <utmpx.h>
#endif
/* OpenBSD has no utmpx at all: <utmp.h> is all there is. */
#if __has_include(<utmp.h>)
#include <utmp.h>
#endif
#if __has_include(<paths.h>)
#include <paths.h>
#endif
#else
#include <utmpx.h>
#endif
