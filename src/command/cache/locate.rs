//! Find GOCACHE the way the go command does, without running it:
//! `--gocache DIR`, else `$GOCACHE`, else `GOCACHE` in the go env file
//! (`go env -w`), else the platform default (`os.UserCacheDir()/go-build`).
//! Then check that the directory is there and looks like a Go build cache.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Where the cache directory came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `--gocache DIR`.
    Flag,
    /// `$GOCACHE`.
    Env,
    /// `GOCACHE=` in the go env file (`go env -w GOCACHE=...`).
    GoEnvFile(PathBuf),
    /// The platform default.
    Default,
}

impl Source {
    /// How reports name it: `--gocache`, `$GOCACHE`, `go env file
    /// (/home/u/.config/go/env)`, `default`.
    pub fn describe(&self) -> String {
        match self {
            Source::Flag => "--gocache".into(),
            Source::Env => "$GOCACHE".into(),
            Source::GoEnvFile(p) => format!("go env file {}", p.display()),
            Source::Default => "default".into(),
        }
    }

    /// The stable key JSON uses: `flag`, `env`, `go-env-file`, `default`.
    pub fn key(&self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Env => "env",
            Source::GoEnvFile(_) => "go-env-file",
            Source::Default => "default",
        }
    }
}

/// A located GOCACHE (not yet checked to exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub dir: PathBuf,
    pub source: Source,
}

/// The operating systems whose default cache directories differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// Linux and the other Unixes: `$XDG_CACHE_HOME`, else `~/.cache`.
    Unix,
    /// `~/Library/Caches`.
    MacOs,
    /// `%LocalAppData%`.
    Windows,
}

impl Os {
    pub fn current() -> Os {
        if cfg!(target_os = "macos") || cfg!(target_os = "ios") {
            Os::MacOs
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::Unix
        }
    }
}

/// The text the go command writes to `GOCACHE/README`.
pub const README_TEXT: &str = "cached build artifacts from the Go build system";

/// Locate GOCACHE from the flag and the real environment; relative `--gocache`
/// paths are taken from `cwd`.
pub fn locate(flag: Option<&Path>, cwd: &Path) -> Result<Location, Error> {
    locate_with(flag, cwd, Os::current(), &|k| std::env::var_os(k))
}

/// [`locate`] with the OS and the environment given (for tests).
pub fn locate_with(
    flag: Option<&Path>,
    cwd: &Path,
    os: Os,
    env: &dyn Fn(&str) -> Option<OsString>,
) -> Result<Location, Error> {
    if let Some(dir) = flag {
        return Ok(Location {
            dir: crate::lint::paths::normalize(&cwd.join(dir)),
            source: Source::Flag,
        });
    }
    let var = |k: &str| env(k).filter(|v| !v.is_empty());
    let (value, source) = match var("GOCACHE") {
        Some(v) => (Some(v), Source::Env),
        None => match go_env_file(os, &var).and_then(|f| {
            let v = read_go_env(&f, "GOCACHE")?;
            Some((v, f))
        }) {
            Some((v, f)) => (Some(OsString::from(v)), Source::GoEnvFile(f)),
            None => (None, Source::Default),
        },
    };
    if let Some(v) = value {
        if v == "off" {
            return Err(Error::Usage(format!(
                "GOCACHE=off (from {}): the Go build cache is disabled (the go command \
                 refuses to build without it since Go 1.12), so there is no cache to inspect",
                source.describe()
            )));
        }
        let p = PathBuf::from(&v);
        if !is_absolute(&p, os) {
            return Err(Error::Usage(format!(
                "GOCACHE `{}` (from {}) is not an absolute path, so the go command does not \
                 use it either",
                p.display(),
                source.describe()
            )));
        }
        return Ok(Location { dir: p, source });
    }
    let base = user_cache_dir(os, &var)
        .map_err(|why| Error::Usage(format!("cannot find GOCACHE: it is not set and {why}")))?;
    Ok(Location {
        dir: base.join("go-build"),
        source: Source::Default,
    })
}

fn is_absolute(p: &Path, os: Os) -> bool {
    if p.is_absolute() {
        return true;
    }
    // A Windows path checked on another OS (tests): `C:\x` or `\\server\x`.
    let s = p.to_string_lossy();
    os == Os::Windows
        && (s.starts_with("\\\\")
            || (s.len() >= 3
                && s.as_bytes()[0].is_ascii_alphabetic()
                && s.as_bytes()[1] == b':'
                && matches!(s.as_bytes()[2], b'\\' | b'/')))
}

/// `os.UserCacheDir()`.
fn user_cache_dir(os: Os, var: &dyn Fn(&str) -> Option<OsString>) -> Result<PathBuf, String> {
    match os {
        Os::Unix => {
            if let Some(x) = var("XDG_CACHE_HOME") {
                let p = PathBuf::from(x);
                if !p.is_absolute() {
                    return Err(format!(
                        "$XDG_CACHE_HOME `{}` is not an absolute path",
                        p.display()
                    ));
                }
                return Ok(p);
            }
            var("HOME")
                .map(|h| PathBuf::from(h).join(".cache"))
                .ok_or_else(|| "neither $XDG_CACHE_HOME nor $HOME is set".into())
        }
        Os::MacOs => var("HOME")
            .map(|h| PathBuf::from(h).join("Library").join("Caches"))
            .ok_or_else(|| "$HOME is not set".into()),
        Os::Windows => var("LocalAppData")
            .or_else(|| var("LOCALAPPDATA"))
            .map(PathBuf::from)
            .ok_or_else(|| "%LocalAppData% is not set".into()),
    }
}

/// The go env file: `$GOENV`, else `os.UserConfigDir()/go/env`.
fn go_env_file(os: Os, var: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    if let Some(v) = var("GOENV") {
        return (v != "off").then(|| PathBuf::from(v));
    }
    let config = match os {
        Os::Unix => var("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config")))?,
        Os::MacOs => PathBuf::from(var("HOME")?)
            .join("Library")
            .join("Application Support"),
        Os::Windows => PathBuf::from(var("AppData").or_else(|| var("APPDATA"))?),
    };
    Some(config.join("go").join("env"))
}

/// A `KEY=value` line of a go env file.
fn read_go_env(file: &Path, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().rev().find_map(|line| {
        let (k, v) = line.trim().split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// Check that `loc.dir` is a readable directory and looks like a Go build
/// cache: a `README` holding the go command's text, or `??` (two hex
/// digits) sub-directories.
pub fn check(loc: &Location) -> Result<(), Error> {
    let from = loc.source.describe();
    let meta = std::fs::metadata(&loc.dir).map_err(|e| {
        Error::Usage(match e.kind() {
            std::io::ErrorKind::NotFound => format!(
                "GOCACHE directory {} (from {from}) does not exist: nothing has been cached there",
                loc.dir.display()
            ),
            _ => format!(
                "cannot read GOCACHE directory {} (from {from}): {e}",
                loc.dir.display()
            ),
        })
    })?;
    if !meta.is_dir() {
        return Err(Error::Usage(format!(
            "GOCACHE {} (from {from}) is not a directory",
            loc.dir.display()
        )));
    }
    if !looks_like_cache(&loc.dir)? {
        return Err(Error::Usage(format!(
            "{} (from {from}) does not look like a Go build cache (no README from the go \
             command and no two-hex-digit sub-directories); refusing to touch it",
            loc.dir.display()
        )));
    }
    Ok(())
}

/// A `README` with the go command's text, or a `??` sub-directory.
pub fn looks_like_cache(dir: &Path) -> Result<bool, Error> {
    if std::fs::read_to_string(dir.join("README")).is_ok_and(|t| t.contains(README_TEXT)) {
        return Ok(true);
    }
    let rd = std::fs::read_dir(dir).map_err(|e| {
        Error::Usage(format!(
            "cannot read GOCACHE directory {}: {e}",
            dir.display()
        ))
    })?;
    Ok(rd.filter_map(Result::ok).any(|e| {
        e.file_type().is_ok_and(|t| t.is_dir())
            && e.file_name().to_str().is_some_and(super::scan::is_prefix)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn run(os: Os, vars: &[(&str, &str)]) -> Result<Location, Error> {
        let map: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        locate_with(None, Path::new("/cwd"), os, &|k| map.get(k).cloned())
    }

    #[test]
    fn flag_wins_and_is_taken_from_cwd() {
        let l = locate_with(Some(Path::new("c")), Path::new("/w"), Os::Unix, &|_| {
            Some("off".into())
        })
        .unwrap();
        assert_eq!(l.dir, PathBuf::from("/w/c"));
        assert_eq!(l.source, Source::Flag);
    }

    #[test]
    fn env_then_platform_defaults() {
        let l = run(Os::Unix, &[("GOCACHE", "/g"), ("HOME", "/h")]).unwrap();
        assert_eq!((l.dir, l.source), (PathBuf::from("/g"), Source::Env));
        let l = run(Os::Unix, &[("HOME", "/h"), ("GOENV", "off")]).unwrap();
        assert_eq!(l.dir, PathBuf::from("/h/.cache/go-build"));
        assert_eq!(l.source, Source::Default);
        let l = run(
            Os::Unix,
            &[("HOME", "/h"), ("XDG_CACHE_HOME", "/x"), ("GOENV", "off")],
        )
        .unwrap();
        assert_eq!(l.dir, PathBuf::from("/x/go-build"));
        let l = run(Os::MacOs, &[("HOME", "/Users/u"), ("GOENV", "off")]).unwrap();
        assert_eq!(l.dir, PathBuf::from("/Users/u/Library/Caches/go-build"));
        let l = run(
            Os::Windows,
            &[("LocalAppData", "/appdata/local"), ("GOENV", "off")],
        )
        .unwrap();
        assert_eq!(l.dir, PathBuf::from("/appdata/local/go-build"));
        // An empty variable is unset, as for the go command.
        let l = run(
            Os::Unix,
            &[("GOCACHE", ""), ("HOME", "/h"), ("GOENV", "off")],
        )
        .unwrap();
        assert_eq!(l.source, Source::Default);
    }

    #[test]
    fn off_relative_and_nothing_set_are_errors() {
        let e = run(Os::Unix, &[("GOCACHE", "off")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("GOCACHE=off"), "{e}");
        let e = run(Os::Unix, &[("GOCACHE", "rel/dir")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("not an absolute path"), "{e}");
        let e = run(Os::Unix, &[("GOENV", "off")]).unwrap_err().to_string();
        assert!(e.contains("HOME"), "{e}");
        let e = run(Os::Unix, &[("XDG_CACHE_HOME", "x"), ("GOENV", "off")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("XDG_CACHE_HOME"), "{e}");
        assert!(run(Os::Windows, &[("GOCACHE", "C:\\go\\cache")]).is_ok());
    }

    #[test]
    fn go_env_file_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("env");
        std::fs::write(&f, "GOPROXY=direct\nGOCACHE=/from/file\n").unwrap();
        let l = run(Os::Unix, &[("GOENV", f.to_str().unwrap()), ("HOME", "/h")]).unwrap();
        assert_eq!(l.dir, PathBuf::from("/from/file"));
        assert_eq!(l.source, Source::GoEnvFile(f.clone()));
        // $GOCACHE beats the file.
        let l = run(
            Os::Unix,
            &[("GOENV", f.to_str().unwrap()), ("GOCACHE", "/e")],
        )
        .unwrap();
        assert_eq!(l.source, Source::Env);
    }
}
