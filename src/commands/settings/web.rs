//! `/settings web on|off|rotate`: the server's community pages on the web. Off unless staff
//! turn them on; the address is a random slug, which `rotate` replaces and `off` removes.

use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use super::super::invocation::CommandCall;
use super::super::options::OptionSpec;
use super::super::subcommand::{subcommands, Subcommand};
use crate::db::web as store;
use crate::profiles;
use crate::render::Reply;
use crate::words;

subcommands! {
    pub enum WebSub {
        On = "on",
        Off = "off",
        Rotate = "rotate",
    }
}

pub fn options() -> Vec<OptionSpec> {
    vec![
        WebSub::On.option(
            "Give this server a community page on the web: leaderboard, roadmap, challenges",
            Vec::new(),
        ),
        WebSub::Off.option(
            "Take the community page down and remove the names stored for it",
            Vec::new(),
        ),
        WebSub::Rotate.option(
            "Give the community page a new address; the old link stops working",
            Vec::new(),
        ),
    ]
}

pub async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let db = &ctx.app.db;
    match call.sub_in_group::<WebSub>()? {
        WebSub::On => {
            let base = public_url(ctx)?;
            let name = profiles::server_name(ctx.app.discord.as_deref(), guild).await;
            let slug = store::turn_on(db, guild, &fresh_slug(), name.as_deref()).await?;
            Ok(Reply::text(format!(
                "🌐 This server's community page is on: {}\n\nAnyone with the link can see it: \
                 the leaderboards, the roadmap with how many members are learning and have \
                 finished each topic, the challenges, this week's prompt and how many members \
                 were active and checked in, under the server's name (run `/settings web on` \
                 again to refresh it). It shows members' display names, \
                 stored from their next use of Waypoint while the page is on; members who \
                 chose `/privacy hide` never appear. `/settings web rotate` gives it a new \
                 link, `/settings web off` takes it down.",
                page(&base, &slug)
            )))
        }
        WebSub::Rotate => {
            let base = public_url(ctx)?;
            let name = profiles::server_name(ctx.app.discord.as_deref(), guild).await;
            let slug = store::rotate(db, guild, &fresh_slug(), name.as_deref())
                .await?
                .ok_or_else(|| {
                    CommandError::user(
                        "The community page is off, so there is no link to replace. Turn it on \
                     with `/settings web on`.",
                    )
                })?;
            Ok(Reply::text(format!(
                "🌐 The community page has a new link: {}\nThe old link no longer works.",
                page(&base, &slug)
            )))
        }
        WebSub::Off => {
            let off = store::turn_off(db, guild).await?;
            if !off.were_on {
                return Ok(Reply::text("The community page is already off."));
            }
            Ok(Reply::text(format!(
                "The community page is off: its link answers \"not found\", and {} stored for \
                 it {} removed.",
                words::count(off.names_removed, "member name", "member names"),
                words::noun(off.names_removed, "was", "were")
            )))
        }
    }
}

/// Where this deployment's pages are reached, or why staff cannot turn them on.
fn public_url(ctx: &Ctx<'_>) -> CommandResult<url::Url> {
    ctx.app.public_url.clone().ok_or_else(|| {
        CommandError::user(
            "This Waypoint has no public address for community pages yet: whoever runs it sets \
             `WAYPOINT_PUBLIC_URL` (see the README's \"Community pages\"). Nothing changed.",
        )
    })
}

/// 128 random bits, as 32 hex digits: the page's address cannot be guessed.
fn fresh_slug() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// The page's address under `base`.
pub fn page(base: &url::Url, slug: &str) -> String {
    format!("{}/c/{slug}", base.as_str().trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_128_random_bits_and_pages_sit_under_the_public_address() {
        let (a, b) = (fresh_slug(), fresh_slug());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        let base = url::Url::parse("https://waypoint.example.org/").unwrap();
        assert_eq!(page(&base, "ab"), "https://waypoint.example.org/c/ab");
        let nested = url::Url::parse("https://example.org/waypoint").unwrap();
        assert_eq!(page(&nested, "ab"), "https://example.org/waypoint/c/ab");
    }
}
