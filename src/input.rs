//! Reading the files a project names: regular files only, and only up to a size limit, so that a
//! FIFO never blocks a run and a link to `/dev/zero` never fills the memory.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::Path;

/// The largest `.kpi` file read: far beyond any hand-written scorecard (the 10,000-KPI benchmark
/// project is 3.4 MB in all).
pub const MAX_SOURCE_BYTES: u64 = 64 * 1024 * 1024;

/// The largest data file read: some ten million rows of a long CSV.
pub const MAX_DATA_BYTES: u64 = 1024 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    NotFound,
    Folder,
    /// A FIFO, a device or a socket: reading it may block or never end.
    NotARegularFile,
    TooLarge {
        limit: u64,
    },
    Io(std::io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("no such file"),
            ReadError::Folder => f.write_str("it is a folder"),
            ReadError::NotARegularFile => {
                f.write_str("it is not a regular file (a pipe, a device or a socket)")
            }
            ReadError::TooLarge { limit } => write!(
                f,
                "it is larger than {} MB, the most kpic reads of such a file",
                limit / (1024 * 1024)
            ),
            ReadError::Io(error) => write!(f, "cannot read it: {error}"),
        }
    }
}

/// The bytes of the regular file at `path` (links followed), at most `limit` of them.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_without_blocking(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(error),
    })?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if metadata.is_dir() {
        return Err(ReadError::Folder);
    }
    if !metadata.is_file() {
        return Err(ReadError::NotARegularFile);
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // A file that grows while it is read stops at the limit too.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Opens `path` for reading; opening a FIFO does not wait for a writer (on Unix), so that the
/// metadata of what was opened can say what it is.
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_within_the_limit_are_read_and_others_say_why_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.kpi");
        std::fs::write(&file, "12345").unwrap();
        assert_eq!(read_regular_file(&file, 5).unwrap(), b"12345");
        assert!(matches!(
            read_regular_file(&file, 4),
            Err(ReadError::TooLarge { limit: 4 })
        ));
        assert!(matches!(
            read_regular_file(dir.path(), 5),
            Err(ReadError::Folder)
        ));
        assert!(matches!(
            read_regular_file(&dir.path().join("none"), 5),
            Err(ReadError::NotFound)
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_regular_file(Path::new("/dev/zero"), 5),
            Err(ReadError::NotARegularFile)
        ));
    }
}
