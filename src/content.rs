//! The content a deployment serves: roadmap folders checked for structure (`roadmap`) and for
//! fitting Discord's limits once rendered (`render`). Start-up and `check-content` both load
//! through here, so nothing is served that `check-content` would refuse.

use std::path::Path;

use crate::render::prompt::check_prompts;
use crate::render::roadmap::check_views;
use crate::roadmap::{load_library, ContentErrors, Library};

pub fn load(dir: &Path) -> Result<Library, ContentErrors> {
    let library = load_library(dir)?;
    let mut errors = check_views(&library);
    errors.extend(check_prompts(&library));
    if errors.is_empty() {
        Ok(library)
    } else {
        Err(ContentErrors(errors))
    }
}
