//! [`FileStore`]: permanent param values in the state directory (`--state-dir`), one
//! JSON file `params.json` replaced atomically on every commit.
//!
//! A commit writes the whole file to `params.json.tmp`, `fsync`s it, renames it over
//! `params.json` and `fsync`s the directory. `rename` is atomic, so after a crash at any
//! point (`kill -9`, power loss) the file is either the old one or the new one, each
//! complete; once the directory `fsync` returns, the new one survives a power loss too.
//! A leftover `params.json.tmp` is an unfinished commit whose request was never
//! acknowledged: it is ignored and replaced. The directory is locked (`flock` on
//! `lock`) so two daemons cannot share it.
//!
//! ```json
//! { "version": 1, "devices": { "pci/0000:03:00.0": { "enable_sriov": { "bool": true } } } }
//! ```

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use devlink_wire::devlink::{Handle, ParamValue};
use serde::{Deserialize, Serialize};

use crate::server::PermanentStore;

/// The file name of the store.
pub const PARAMS_FILE: &str = "params.json";
/// The current format version.
const VERSION: u32 = 1;

/// A state directory that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The directory or a file in it cannot be created, read or locked.
    #[error("{path}: {error}", path = path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// Another process holds the directory's lock.
    #[error("{path} is in use by another devlinkd", path = path.display())]
    Locked {
        /// The directory.
        path: PathBuf,
    },
    /// The store does not parse (edited by hand?); it is left as it is.
    #[error("{path}: {error}", path = path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// serde_json's error, with line and column.
        error: serde_json::Error,
    },
}

/// A param value as stored: `{"u32": 8}`, `{"bool": true}`, `{"string": "x"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stored {
    /// `DEVLINK_PARAM_TYPE_U8`.
    U8(u8),
    /// `DEVLINK_PARAM_TYPE_U16`.
    U16(u16),
    /// `DEVLINK_PARAM_TYPE_U32`.
    U32(u32),
    /// `DEVLINK_PARAM_TYPE_U64`.
    U64(u64),
    /// `DEVLINK_PARAM_TYPE_STRING`.
    String(String),
    /// `DEVLINK_PARAM_TYPE_BOOL`.
    Bool(bool),
}

impl From<&ParamValue> for Stored {
    fn from(v: &ParamValue) -> Self {
        match v {
            ParamValue::U8(x) => Self::U8(*x),
            ParamValue::U16(x) => Self::U16(*x),
            ParamValue::U32(x) => Self::U32(*x),
            ParamValue::U64(x) => Self::U64(*x),
            ParamValue::String(x) => Self::String(x.clone()),
            ParamValue::Bool(x) => Self::Bool(*x),
        }
    }
}

impl From<&Stored> for ParamValue {
    fn from(v: &Stored) -> Self {
        match v {
            Stored::U8(x) => Self::U8(*x),
            Stored::U16(x) => Self::U16(*x),
            Stored::U32(x) => Self::U32(*x),
            Stored::U64(x) => Self::U64(*x),
            Stored::String(x) => Self::String(x.clone()),
            Stored::Bool(x) => Self::Bool(*x),
        }
    }
}

/// The file's content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contents {
    /// The format version (1).
    pub version: u32,
    /// Devices by handle (`bus/name`), their params by name.
    pub devices: BTreeMap<String, BTreeMap<String, Stored>>,
}

/// The store in a state directory.
#[derive(Debug)]
pub struct FileStore {
    dir: PathBuf,
    contents: Contents,
    /// Held (locked) while the store lives.
    _lock: File,
}

impl FileStore {
    /// Open (creating it if needed) and lock the state directory `dir`; read its store.
    ///
    /// # Errors
    /// [`StoreError`]: the directory cannot be created or locked, or the store does not
    /// parse.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |error| StoreError::Io { path, error }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let lock_path = dir.join("lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        lock.try_lock().map_err(|e| match e {
            std::fs::TryLockError::WouldBlock => StoreError::Locked {
                path: dir.to_owned(),
            },
            std::fs::TryLockError::Error(error) => StoreError::Io {
                path: lock_path.clone(),
                error,
            },
        })?;
        let path = dir.join(PARAMS_FILE);
        let contents = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|error| StoreError::Corrupt { path, error })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Contents {
                version: VERSION,
                devices: BTreeMap::new(),
            },
            Err(e) => return Err(io(&path)(e)),
        };
        Ok(Self {
            dir: dir.to_owned(),
            contents,
            _lock: lock,
        })
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Everything stored.
    #[must_use]
    pub const fn contents(&self) -> &Contents {
        &self.contents
    }

    /// Write `contents` as the new store: temporary file, `fsync`, `rename`, `fsync` of
    /// the directory.
    fn write(&self, contents: &Contents) -> std::io::Result<()> {
        let mut bytes = serde_json::to_vec_pretty(contents).map_err(std::io::Error::other)?;
        bytes.push(b'\n');
        let tmp = self.dir.join(format!("{PARAMS_FILE}.tmp"));
        let mut f = File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, self.dir.join(PARAMS_FILE))?;
        File::open(&self.dir)?.sync_all()
    }
}

impl PermanentStore for FileStore {
    fn values(&self, handle: &Handle) -> BTreeMap<String, ParamValue> {
        self.contents
            .devices
            .get(&handle.to_string())
            .map(|params| params.iter().map(|(n, v)| (n.clone(), v.into())).collect())
            .unwrap_or_default()
    }

    fn commit(&mut self, handle: &Handle, name: &str, value: &ParamValue) -> std::io::Result<()> {
        let mut next = self.contents.clone();
        next.version = VERSION;
        next.devices
            .entry(handle.to_string())
            .or_default()
            .insert(name.to_owned(), value.into());
        self.write(&next)?;
        self.contents = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("devlinkd-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn commits_survive_reopening() {
        let d = dir("reopen");
        let h = Handle::new("pci", "0000:03:00.0");
        {
            let mut s = FileStore::open(&d).unwrap();
            assert!(s.values(&h).is_empty());
            s.commit(&h, "enable_sriov", &ParamValue::Bool(true))
                .unwrap();
            s.commit(&h, "msix_vec_per_pf_max", &ParamValue::U32(32))
                .unwrap();
            s.commit(&h, "msix_vec_per_pf_max", &ParamValue::U32(16))
                .unwrap();
        }
        let s = FileStore::open(&d).unwrap();
        let v = s.values(&h);
        assert_eq!(v.get("enable_sriov"), Some(&ParamValue::Bool(true)));
        assert_eq!(v.get("msix_vec_per_pf_max"), Some(&ParamValue::U32(16)));
        assert!(!d.join("params.json.tmp").exists());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_second_store_on_the_directory_is_refused() {
        let d = dir("lock");
        let _first = FileStore::open(&d).unwrap();
        assert!(matches!(
            FileStore::open(&d),
            Err(StoreError::Locked { .. })
        ));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_corrupt_store_is_refused_and_a_leftover_temporary_ignored() {
        let d = dir("corrupt");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("params.json.tmp"), "{ \"version\": 1, \"dev").unwrap();
        assert!(FileStore::open(&d).unwrap().contents().devices.is_empty());
        std::fs::write(d.join(PARAMS_FILE), "{ \"version\": 1, \"dev").unwrap();
        let e = FileStore::open(&d).unwrap_err();
        assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");
        assert!(e.to_string().contains("params.json"), "{e}");
        let _ = std::fs::remove_dir_all(&d);
    }
}
