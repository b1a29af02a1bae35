/* Input of bindgen for utmp-sys: the host's login-record headers. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* glibc: RUN_LVL, ACCOUNTING, utmpxname; musl: utmpxname */
#endif
#include <utmpx.h>
#if defined(__has_include)
#if __has_include(<utmp.h>)
#include <utmp.h>
#endif
#if __has_include(<paths.h>)
#include <paths.h>
#endif
#endif
