//! The field checks every content file shares: required text, the shape of ids, and ids
//! unique within a roadmap.

use std::collections::HashMap;
use std::path::Path;

use super::error::ContentError;

/// Ids appear in commands (`topic:<id>`) and component ids, so keep them short and typeable.
const MAX_ID_LEN: usize = 32;

pub(super) fn require(
    file: &Path,
    item: &str,
    field: &str,
    value: &str,
    errors: &mut Vec<ContentError>,
) {
    if value.trim().is_empty() {
        errors.push(ContentError::new(
            file,
            item,
            format!("missing or empty field `{field}`"),
        ));
    }
    check_text(file, item, field, value, errors);
}

/// What starts a mention in Discord's markup. Messages allow no mentions, so none would ping,
/// but content is the same for every server and should not even look like it names someone.
const MENTIONS: [&str; 4] = ["@everyone", "@here", "<@", "<#"];

/// Text members read: no control characters but line breaks and tabs (a NUL or an escape
/// sequence shows as garbage, or not at all), and no mentions.
pub(super) fn check_text(
    file: &Path,
    item: &str,
    field: &str,
    value: &str,
    errors: &mut Vec<ContentError>,
) {
    if let Some(c) = value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        errors.push(ContentError::new(
            file,
            item,
            format!(
                "field `{field}` holds a control character (U+{:04X}): remove it",
                u32::from(c)
            ),
        ));
    }
    if let Some(mention) = MENTIONS.iter().find(|m| value.contains(*m)) {
        errors.push(ContentError::new(
            file,
            item,
            format!(
                "field `{field}` holds a mention (`{mention}`): write names out instead, content \
                 never mentions anyone"
            ),
        ));
    }
}

pub(super) fn check_id(file: &Path, item: &str, id: &str, errors: &mut Vec<ContentError>) {
    if id.is_empty() {
        errors.push(ContentError::new(file, item, "missing or empty field `id`"));
        return;
    }
    let valid = id.len() <= MAX_ID_LEN
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        && !id.ends_with('-');
    if !valid {
        errors.push(ContentError::new(
            file,
            item,
            format!(
                "id `{id}` must be lower-case letters, digits and dashes, at most {MAX_ID_LEN} characters"
            ),
        ));
    }
}

pub(super) fn check_unique<'a>(
    file: &'a Path,
    item: &str,
    id: &'a str,
    seen: &mut HashMap<&'a str, &'a Path>,
    errors: &mut Vec<ContentError>,
) {
    if id.is_empty() {
        return;
    }
    if let Some(first) = seen.insert(id, file) {
        errors.push(ContentError::new(
            file,
            item,
            format!(
                "duplicate id `{id}`: already used in {}; ids must be unique within a roadmap",
                first.display()
            ),
        ));
    }
}
