//! The check-in form (a modal): its fields and what it holds when it opens.

use super::limits;
use super::reply::{Modal, TextField};
use crate::checkins::entry::{
    Draft, BLOCKERS, BLOCKERS_MAX, DID, DID_MAX, GOAL, GOAL_MAX, LINK, LINK_MAX, MET,
};

/// Custom ids: the form, and the button that opens it again after a mistake.
pub const FORM_ID: &str = "checkin:submit";
pub const RETRY_ID: &str = "checkin:retry";

/// The form, holding `prefill`. With `last_goal`, it asks whether that goal was met and shows
/// it (a form can show text only in a field's label and placeholder).
pub fn form(prefill: &Draft, last_goal: Option<&str>, editing: bool) -> Modal {
    let mut fields = vec![
        TextField::new(DID, "What did you do this week?", DID_MAX as u16)
            .paragraph()
            .required()
            .value(Some(prefill.did.clone())),
        TextField::new(BLOCKERS, "What blocks you? (optional)", BLOCKERS_MAX as u16)
            .paragraph()
            .value(Some(prefill.blockers.clone())),
        TextField::new(GOAL, "Your goal for next week", GOAL_MAX as u16)
            .paragraph()
            .required()
            .value(Some(prefill.goal.clone())),
        TextField::new(LINK, "A link to show it (optional)", LINK_MAX as u16)
            .value(Some(prefill.link.clone()))
            .placeholder("https://github.com/you/project"),
    ];
    if let Some(goal) = last_goal {
        fields.push(
            TextField::new(MET, "Met last week's goal? yes, partly or no", 10)
                .value(Some(prefill.met.clone()))
                .placeholder(limits::truncate(
                    &format!("It was: {goal}"),
                    limits::INPUT_PLACEHOLDER,
                )),
        );
    }
    Modal {
        custom_id: FORM_ID.into(),
        title: if editing {
            "Edit this week's check-in".into()
        } else {
            "Weekly check-in".into()
        },
        fields,
    }
}
