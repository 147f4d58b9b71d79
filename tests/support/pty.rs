//! The real binary in a pseudo-terminal. A thread feeds everything the
//! program writes into a vt100 parser (the "screen") and keeps the raw
//! bytes, so tests can wait for text on the screen and check the escape
//! sequences that restore the terminal.
//!
//! Every wait polls with a deadline; nothing sleeps for a fixed time.

use crate::sandbox::Sandbox;
use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Longest any single wait may take unless [`Session::set_timeout`] says
/// otherwise.
pub const TIMEOUT: Duration = Duration::from_secs(10);

const ENTER_ALT: &[u8] = b"\x1b[?1049h";
const LEAVE_ALT: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

/// What the program wrote so far.
struct Output {
    raw: Vec<u8>,
    screen: vt100::Parser,
    closed: bool,
}

type Shared = Arc<(Mutex<Output>, Condvar)>;

/// The program running in a pseudo-terminal.
pub struct Session {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    shared: Shared,
    reader: Option<JoinHandle<()>>,
    cols: u16,
    rows: u16,
    timeout: Duration,
}

impl Session {
    /// `rolo` with the sandbox's leading arguments, `cols` x `rows`.
    pub fn start(sandbox: &Sandbox, cols: u16, rows: u16) -> Session {
        Session::start_with(sandbox, cols, rows, &[], &[])
    }

    /// `rolo ARGS` with extra environment variables.
    pub fn start_with(
        sandbox: &Sandbox,
        cols: u16,
        rows: u16,
        args: &[&str],
        extra_env: &[(&str, &str)],
    ) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(sandbox.bin());
        cmd.args(sandbox.leading_args());
        cmd.args(args);
        cmd.env_clear();
        for (k, v) in sandbox.env() {
            cmd.env(k, v);
        }
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        cmd.cwd(sandbox.home());
        let child = pair.slave.spawn_command(cmd).expect("spawn rolo");
        // Only the child holds the slave now, so reads end when it exits.
        drop(pair.slave);

        let shared: Shared = Arc::new((
            Mutex::new(Output {
                raw: Vec::new(),
                screen: vt100::Parser::new(rows, cols, 0),
                closed: false,
            }),
            Condvar::new(),
        ));
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let sink = shared.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) | Err(_) => 0,
                    Ok(n) => n,
                };
                let (lock, cond) = &*sink;
                let mut out = lock.lock().unwrap_or_else(|e| e.into_inner());
                if n == 0 {
                    out.closed = true;
                    cond.notify_all();
                    return;
                }
                out.raw.extend_from_slice(&buf[..n]);
                out.screen.process(&buf[..n]);
                cond.notify_all();
            }
        });
        Session {
            child,
            master: pair.master,
            writer,
            shared,
            reader: Some(reader),
            cols,
            rows,
            timeout: TIMEOUT,
        }
    }

    /// Longest any single wait of this session may take.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    fn output(&self) -> MutexGuard<'_, Output> {
        self.shared.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn screen_text(&self) -> String {
        self.output().screen.screen().contents()
    }

    /// Every byte the program wrote so far.
    pub fn raw(&self) -> Vec<u8> {
        self.output().raw.clone()
    }

    /// Wait until `pred` holds for the screen text; fail with the screen.
    pub fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + self.timeout;
        let (lock, cond) = &*self.shared;
        let mut out = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let text = out.screen.screen().contents();
            if pred(&text) {
                return text;
            }
            let now = Instant::now();
            if now >= deadline || out.closed {
                let closed = out.closed;
                drop(out);
                panic!(
                    "{}x{}: timed out waiting for {what}{}; the screen:\n{text}",
                    self.cols,
                    self.rows,
                    if closed {
                        " (the program closed the terminal)"
                    } else {
                        ""
                    }
                );
            }
            out = cond
                .wait_timeout(out, (deadline - now).min(Duration::from_millis(50)))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |screen| screen.contains(text))
    }

    /// Type `bytes` (keys, `\r` for Enter, `\x13` for Ctrl-S).
    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush keys");
    }

    pub fn pid(&self) -> libc::pid_t {
        let pid = self.child.process_id().expect("child pid");
        libc::pid_t::try_from(pid).expect("a pid fits pid_t")
    }

    pub fn signal(&self, sig: libc::c_int) {
        // SAFETY: kill(2) with the pid of our own child; no memory involved.
        let rc = unsafe { libc::kill(self.pid(), sig) };
        assert_eq!(rc, 0, "kill({}, {sig})", self.pid());
    }

    /// SIGKILL the program and wait for it to be gone.
    pub fn kill9(&mut self) {
        self.signal(libc::SIGKILL);
        self.wait_exit();
    }

    /// Wait for the program to exit and for its last output to arrive.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!(
                    "{}x{}: rolo did not exit; the screen:\n{}",
                    self.cols,
                    self.rows,
                    self.screen_text()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        // The reader sees end-of-file once the last writer (the child) is gone.
        let (lock, cond) = &*self.shared;
        let mut out = lock.lock().unwrap_or_else(|e| e.into_inner());
        while !out.closed {
            let now = Instant::now();
            assert!(now < deadline, "the pty never reached end of file");
            out = cond
                .wait_timeout(out, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        drop(out);
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the pty reader thread");
        }
        status
    }

    /// The line discipline flags of the terminal (the master's termios
    /// reads the slave's on Linux).
    pub fn termios_lflag(&self) -> libc::tcflag_t {
        let fd = self.master.as_raw_fd().expect("master fd");
        // SAFETY: a zeroed termios is a valid out-parameter; fd is open.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        let rc = unsafe { libc::tcgetattr(fd, &mut t) };
        assert_eq!(rc, 0, "tcgetattr: {}", std::io::Error::last_os_error());
        t.c_lflag
    }

    pub fn assert_raw_mode(&self) {
        let lflag = self.termios_lflag();
        assert_eq!(
            lflag & (libc::ICANON | libc::ECHO),
            0,
            "rolo runs in raw mode"
        );
    }

    /// After exit: the alternate screen was left after it was last entered,
    /// the cursor shown again, and the tty is back in cooked mode.
    pub fn assert_terminal_restored(&self) {
        let raw = self.raw();
        let entered = rfind(&raw, ENTER_ALT).expect("rolo entered the alternate screen");
        let left = rfind(&raw, LEAVE_ALT).expect("rolo left the alternate screen");
        assert!(
            left > entered,
            "the last alternate-screen switch is an exit"
        );
        let shown = rfind(&raw, SHOW_CURSOR).expect("the cursor is shown again");
        assert!(shown > entered, "the cursor is shown after the last frame");
        assert!(
            !self.output().screen.screen().alternate_screen(),
            "the emulated terminal is back on the main screen"
        );
        let lflag = self.termios_lflag();
        assert_eq!(
            lflag & (libc::ICANON | libc::ECHO),
            libc::ICANON | libc::ECHO,
            "the tty is back in cooked mode (ICANON and ECHO set)"
        );
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Poll `pred` (something outside the screen: a database, a fake server)
/// until it holds, for at most `timeout`.
pub fn eventually(what: &str, timeout: Duration, pred: impl Fn() -> bool) {
    let deadline = Instant::now() + timeout;
    while !pred() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}
