//! Standard output that a closed pipe ends quietly. `println!` panics when the reader has gone
//! (`leapsim validate DIR | head`); Rust ignores SIGPIPE, so the write fails with `BrokenPipe` instead of killing
//! the process. The reader has all it asked for, so the command stops there with success (a shell pipeline
//! reports the status of its last command anyway); any other write error still ends the command with a message.

use std::io::Write;

/// Writes `args` to standard output; exits the process when stdout is a closed pipe.
pub fn write(args: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing to standard output: {e}");
        std::process::exit(1);
    }
}

/// `print!` that ends the command quietly when standard output is a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => { $crate::out::write(format_args!($($arg)*)) };
}

/// `println!` that ends the command quietly when standard output is a closed pipe.
macro_rules! outln {
    () => { $crate::out::write(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::out::write(format_args!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use {out, outln};
