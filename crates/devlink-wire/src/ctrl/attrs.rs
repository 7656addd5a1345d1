//! Payload accessors that turn payload errors into [`AttrError`]s of a controller space.

use crate::devlink::AttrError;
use crate::nl::RawAttr;
use crate::spec::Space;

pub(crate) fn u16_of(a: &RawAttr<'_>, space: Space) -> Result<u16, AttrError> {
    a.u16().map_err(|e| AttrError::bad(space, a, e))
}

pub(crate) fn u32_of(a: &RawAttr<'_>, space: Space) -> Result<u32, AttrError> {
    a.u32().map_err(|e| AttrError::bad(space, a, e))
}

pub(crate) fn u64_of(a: &RawAttr<'_>, space: Space) -> Result<u64, AttrError> {
    a.u64().map_err(|e| AttrError::bad(space, a, e))
}

pub(crate) fn i64_of(a: &RawAttr<'_>, space: Space) -> Result<i64, AttrError> {
    a.u64()
        .map(|v| i64::from_ne_bytes(v.to_ne_bytes()))
        .map_err(|e| AttrError::bad(space, a, e))
}

pub(crate) fn string_of(a: &RawAttr<'_>, space: Space) -> Result<String, AttrError> {
    a.str()
        .map(str::to_owned)
        .map_err(|e| AttrError::bad(space, a, e))
}
