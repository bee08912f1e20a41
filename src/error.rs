//! Errors that stop a file (or the run) from being checked. Each names the
//! file it concerns; `main` maps them to exit code 2.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum Error {
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A configuration file is invalid.
    Config {
        path: PathBuf,
        message: String,
        line: Option<usize>,
        /// 1-based, in characters, when known (with `line`).
        column: Option<usize>,
    },
    /// A file cannot be checked (binary, not text).
    Input { path: PathBuf, message: String },
    /// A usage error not tied to a file.
    Usage(String),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl Error {
    /// The file the error is about, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Error::Io { path, .. } | Error::Config { path, .. } | Error::Input { path, .. } => {
                Some(path)
            }
            Error::Usage(_) => None,
        }
    }

    /// The line of the file it is about, if known.
    pub fn line(&self) -> Option<usize> {
        match self {
            Error::Config { line, .. } => *line,
            _ => None,
        }
    }

    /// What went wrong, without the file's name.
    pub fn message(&self) -> String {
        match self {
            Error::Io { source, .. } => describe_io(source),
            Error::Config { message, .. } => format!("invalid configuration: {message}"),
            Error::Input { message, .. } => message.clone(),
            Error::Usage(m) => m.clone(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {}", path.display(), describe_io(source)),
            Error::Config {
                path,
                message,
                line: Some(l),
                column,
            } => {
                let col = column.map(|c| format!(":{c}")).unwrap_or_default();
                write!(
                    f,
                    "{}:{l}{col}: invalid configuration: {message}",
                    path.display()
                )
            }
            Error::Config {
                path,
                message,
                line: None,
                ..
            } => {
                write!(f, "{}: invalid configuration: {message}", path.display())
            }
            Error::Input { path, message } => write!(f, "{}: {message}", path.display()),
            Error::Usage(m) => f.write_str(m),
        }
    }
}

fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

impl std::error::Error for Error {}
