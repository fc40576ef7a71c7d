//! The leaderboard message, and the custom ids of its page buttons. A button carries only
//! what to show (scope and page), never a server: the server is always the clicker's own.

use std::fmt::Write;

use serenity::all::UserId;

use super::reply::{ActionRow, Button, Component, Embed, Reply};
use crate::db::leaderboard::{Place, Standing};

/// A page of a board as every caller sees it in one time slice (shared, see `slice_cache`).
#[derive(Debug, Clone)]
pub struct SharedPage {
    pub title: String,
    /// The totals it was read from (`week:2026-W49`, …), for the caller's own place.
    pub scope: String,
    pub standings: Vec<Standing>,
    pub more: bool,
}

/// Members per page.
pub const PAGE_SIZE: i64 = 10;
const MINE: &str = "me";

/// What a leaderboard counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Board {
    Week,
    Month,
    All,
    Phase(u8),
    /// A challenge's standing, by its id (looked up in the clicker's server only).
    Challenge(i64),
}

/// A page button: which board, which page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageId {
    pub board: Board,
    pub page: u32,
}

impl PageId {
    pub fn custom_id(self) -> String {
        let board = match self.board {
            Board::Week => "week".to_string(),
            Board::Month => "month".to_string(),
            Board::All => "all".to_string(),
            Board::Phase(n) => format!("phase-{n}"),
            Board::Challenge(id) => format!("challenge-{id}"),
        };
        format!("leaderboard:{board}:{}", self.page)
    }

    pub fn parse(custom_id: &str) -> Option<Self> {
        let mut parts = custom_id.strip_prefix("leaderboard:")?.split(':');
        let board = match parts.next()? {
            "week" => Board::Week,
            "month" => Board::Month,
            "all" => Board::All,
            other => match other.strip_prefix("challenge-") {
                Some(id) => Board::Challenge(id.parse().ok()?),
                None => Board::Phase(other.strip_prefix("phase-")?.parse().ok()?),
            },
        };
        let page = parts.next()?.parse().ok()?;
        // "My place" carries the page it was on, marked so its id differs from the page
        // buttons'; every click is answered privately, with the clicker's place.
        let rest = parts.next();
        (matches!(rest, None | Some(MINE)) && parts.next().is_none())
            .then_some(Self { board, page })
    }

    /// The id of the "My place" button on this page.
    pub fn mine_id(self) -> String {
        format!("{}:{MINE}", self.custom_id())
    }
}

/// One page of a leaderboard to show.
pub struct Page<'a> {
    pub title: &'a str,
    pub board: Board,
    pub page: u32,
    pub standings: &'a [Standing],
    pub more: bool,
    /// The caller and their own place in words, for a page only they see; `None` on a public
    /// page, which offers a "My place" button instead.
    pub you: Option<(UserId, String)>,
    /// How an amount reads: "12 points", "3 topics".
    pub amount: &'a dyn Fn(i64) -> String,
    pub footer: &'a str,
}

/// The caller's place on a points board, in words.
pub fn place_line(place: Place) -> String {
    match place {
        Place::Ranked { rank, points } => format!("You are **#{rank}** with {points} points."),
        Place::NoPoints => "You have no points here yet.".to_string(),
        Place::Hidden => {
            "You are hidden (`/privacy show` puts you back on leaderboards).".to_string()
        }
    }
}

/// One page of a leaderboard, with the caller's own place under it.
pub fn page(view: Page<'_>) -> Reply {
    let mut lines = String::new();
    let caller = view.you.as_ref().map(|(user, _)| *user);
    for s in view.standings {
        let marker = if Some(s.user) == caller {
            " ← you"
        } else {
            ""
        };
        let _ = writeln!(
            lines,
            "**{}.** <@{}> · {}{marker}",
            s.rank,
            s.user,
            (view.amount)(s.points)
        );
    }
    if lines.is_empty() {
        lines = if view.page == 0 {
            "No points yet. Mark topics done with `/progress set` or check in with `/checkin`."
                .to_string()
        } else {
            "No one on this page.".to_string()
        };
    }
    let mut embed = Embed::new(view.title.to_string())
        .description(lines)
        .footer(format!(
            "Page {} · {}",
            u64::from(view.page) + 1,
            view.footer
        ));
    let (board, page) = (view.board, view.page);
    let button = |label: &str, to: u32, disabled: bool| {
        Component::Button(
            Button::new(PageId { board, page: to }.custom_id(), label).disabled(disabled),
        )
    };
    let mut row = vec![
        button("◀ Previous", page.saturating_sub(1), page == 0),
        button("Next ▶", page.saturating_add(1), !view.more),
    ];
    match view.you {
        Some((_, place)) => embed = embed.field("Your place", place),
        None => row.push(Component::Button(Button::mine(
            PageId { board, page }.mine_id(),
            "place",
        ))),
    }
    Reply::embed(embed)
        .with_row(ActionRow(row))
        .personal_if(caller.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ids_round_trip_and_refuse_anything_else() {
        for board in [
            Board::Week,
            Board::Month,
            Board::All,
            Board::Phase(3),
            Board::Challenge(42),
        ] {
            let id = PageId { board, page: 7 };
            assert_eq!(PageId::parse(&id.custom_id()), Some(id));
            assert_eq!(PageId::parse(&id.mine_id()), Some(id));
        }
        for bad in [
            "leaderboard:year:1",
            "leaderboard:week",
            "leaderboard:week:1:2",
            "leaderboard:week:1:me:me",
            "leaderboard:challenge-x:1",
            "roadmap:week:1",
        ] {
            assert_eq!(PageId::parse(bad), None, "{bad}");
        }
    }
}
