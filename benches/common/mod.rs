//! What the benchmark programs share: the generated project (`generate`), a description of the
//! machine they ran on, and a timed run of `kpic` with its peak memory.

// Each benchmark program includes this module and uses what it needs of it.
#![allow(dead_code)]

pub mod generate;

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The number of CPUs the program may use.
pub fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The processor's model name from `/proc/cpuinfo` (Linux).
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string())
}

/// One run of kpic: its exit code, output, wall time and peak memory.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub wall: Duration,
    pub max_rss_kb: i64,
}

/// Runs `kpic ARGS`, timing it and reading its peak memory from `wait4`.
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by libc::wait4, which also gives its rusage"
)]
pub fn run(kpic: &Path, args: &[std::ffi::OsString]) -> Run {
    let start = Instant::now();
    let mut child = Command::new(kpic)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("kpic starts");
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .expect("stdout is piped")
        .read_to_string(&mut stdout)
        .expect("kpic writes UTF-8");
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain old data that `wait4` fills in; `pid` is our child, not yet
    // waited for (`Child` is not used to wait, so it is reaped exactly once, here).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(
        waited,
        pid,
        "wait4 failed: {}",
        std::io::Error::last_os_error()
    );
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Run {
        code,
        stdout,
        wall,
        // Linux reports ru_maxrss in kilobytes.
        max_rss_kb: usage.ru_maxrss,
    }
}
