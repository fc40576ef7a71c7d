//! `/settings roadmap …`: the roadmap this server follows. Staff choose among the roadmaps
//! the deployment ships and those imported here, import one as a single TOML file (checked
//! exactly as `waypoint check-content` checks it), and export the current one to edit.

use std::path::Path;

use serenity::all::GuildId;

use super::super::error::{CommandError, CommandResult};
use super::super::handler::{Ctx, Typing};
use super::super::invocation::CommandCall;
use super::super::options::{Opt, OptionSpec};
use super::super::subcommand::{subcommands, Subcommand};
use super::super::value::FileRef;
use crate::attachments::FetchError;
use crate::content::{load_bytes, MAX_FILE_BYTES};
use crate::db::roadmaps::{self as store, Followed};
use crate::render::{limits, Choice, Reply};
use crate::roadmap::{to_single_file, ContentErrors, Roadmap};
use crate::words;

subcommands! {
    pub enum RoadmapSub {
        Choose = "choose",
        Import = "import",
        Export = "export",
    }
}

/// The roadmap to follow, by id (autocompleted with titles).
pub const ROADMAP: Opt<String> = Opt::new("roadmap");
const FILE: Opt<FileRef> = Opt::new("file");

pub fn options() -> Vec<OptionSpec> {
    vec![
        RoadmapSub::Choose.option(
            "Follow another roadmap: one Waypoint ships or one imported here",
            vec![ROADMAP
                .text("The roadmap to follow (start typing to see them)", 100)
                .autocomplete()
                .required()],
        ),
        RoadmapSub::Import.option(
            "Import a roadmap from one TOML file (as export gives) and follow it",
            vec![FILE
                .file("The roadmap file, at most 512 KiB (see the README for the format)")
                .required()],
        ),
        RoadmapSub::Export.option(
            "Download this server's roadmap as one TOML file, to keep or edit",
            Vec::new(),
        ),
    ]
}

pub async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    match call.sub_in_group::<RoadmapSub>()? {
        RoadmapSub::Choose => choose(ctx, &call.required(ROADMAP)?).await,
        RoadmapSub::Import => import(ctx, &call.required(FILE)?).await,
        RoadmapSub::Export => export(ctx).await,
    }
}

/// A roadmap the server may follow: its id, its title, and where it comes from.
struct Offered {
    id: String,
    title: String,
    from: String,
}

/// The roadmaps `guild` may follow, from memory: shipped ones, then those imported there.
fn offered(ctx: &Ctx<'_>, guild: GuildId) -> Vec<Offered> {
    let shipped = ctx.app.content.shipped().iter().map(|r| Offered {
        id: r.id.clone(),
        title: r.title.clone(),
        from: "ships with Waypoint".to_string(),
    });
    let imported = ctx
        .app
        .content
        .server(guild)
        .imported
        .into_iter()
        .map(|i| Offered {
            id: i.id,
            title: i.title,
            from: format!("imported, version {}", i.version),
        });
    shipped.chain(imported).collect()
}

pub fn complete(ctx: &Ctx<'_>, typing: Typing<'_>) -> Vec<Choice> {
    let typed = typing.partial.trim().to_lowercase();
    let Some(guild) = ctx.invocation.guild_id else {
        return Vec::new();
    };
    let current = &ctx.roadmap().id;
    offered(ctx, guild)
        .into_iter()
        .filter(|o| {
            typed.is_empty() || o.id.contains(&typed) || o.title.to_lowercase().contains(&typed)
        })
        .take(limits::AUTOCOMPLETE_CHOICES)
        .map(|o| {
            let now = if &o.id == current {
                " · followed now"
            } else {
                ""
            };
            Choice {
                name: limits::truncate(
                    &format!("{} ({}){now}", o.title, o.from),
                    limits::CHOICE_TEXT,
                ),
                value: o.id,
            }
        })
        .collect()
}

async fn choose(ctx: &Ctx<'_>, id: &str) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let id = id.trim();
    let old = ctx.roadmap();
    if id == old.id {
        return Ok(Reply::text(format!(
            "This server already follows **{}**: nothing changed.",
            old.title
        )));
    }
    let content = &ctx.app.content;
    let followed = content
        .followable(guild, id)
        .ok_or_else(|| unknown_roadmap(ctx, guild, id))?;
    let new = content.roadmap_of(&ctx.app.db, guild, &followed).await?;
    crate::changes::follow_roadmap(ctx.app, guild, Some(&followed), ctx.invocation.now).await?;
    Ok(Reply::text(format!(
        "This server now follows **{}** ({}).\n\n{}",
        new.title,
        size(&new),
        what_changes(old, &new)
    )))
}

fn unknown_roadmap(ctx: &Ctx<'_>, guild: GuildId, id: &str) -> CommandError {
    let known: Vec<String> = offered(ctx, guild)
        .into_iter()
        .map(|o| format!("`{}`", o.id))
        .collect();
    CommandError::user(format!(
        "There is no roadmap `{}` here. Pick one of {} from the list as you type, or bring \
         your own with `/settings roadmap import`.",
        limits::truncate(id, 60),
        known.join(", ")
    ))
}

async fn import(ctx: &Ctx<'_>, file: &FileRef) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let name = file_name(&file.filename);
    if file.size > MAX_FILE_BYTES as u64 {
        return Err(too_big(&name, file.size));
    }
    let bytes = ctx
        .app
        .attachments
        .fetch(&file.url, MAX_FILE_BYTES)
        .await
        .map_err(|e| match e {
            FetchError::TooBig(_) => too_big(&name, file.size),
            FetchError::NotFromDiscord => CommandError::user(
                "Waypoint only takes files attached to the command on Discord: attach the \
                 roadmap file to `/settings roadmap import`.",
            ),
            FetchError::Slow(_) | FetchError::Failed(_) => {
                tracing::warn!(error = %e, "could not fetch an imported roadmap");
                CommandError::user(
                    "Waypoint could not download that file from Discord just now, so nothing \
                     changed. Try the import again in a minute.",
                )
            }
        })?;
    let library = load_bytes(Path::new(&name), &bytes).map_err(|e| problems(&name, &e))?;
    let Some(roadmap) = library.roadmaps.into_iter().next() else {
        return Err(CommandError::user(format!("{name} holds no roadmap.")));
    };
    if ctx.app.content.shipped_roadmap(&roadmap.id).is_some() {
        return Err(CommandError::user(format!(
            "`{id}` is the id of a roadmap Waypoint ships, so yours needs its own: change \
             `id` at the top of {name} (for example to `{id}-ours`) and import it again.",
            id = roadmap.id
        )));
    }
    // Checked above as UTF-8 by `load_bytes`.
    let source = String::from_utf8_lossy(&bytes);
    let old = ctx.roadmap.clone();
    let (id, title) = (roadmap.id.clone(), roadmap.title.clone());
    let import = store::Import {
        guild,
        id: &id,
        title: &title,
        source: &source,
        by: ctx.invocation.user_id,
        at: ctx.invocation.now,
    };
    let summary = format!("**{}** ({})", roadmap.title, size(&roadmap));
    let replaces = old.id == roadmap.id;
    let changes = what_changes(&old, &roadmap);
    let version = crate::changes::import_roadmap(ctx.app, &import, roadmap).await?;
    let text = if replaces {
        format!(
            "Imported {summary} as version {version}: it replaces version {} for everyone in \
             this server now.\n\nTopics this version leaves out keep members' marks stored, \
             and they count again if a later version brings them back; a topic that lists its \
             old id under `aliases` keeps members' progress under its new id.",
            version - 1
        )
    } else {
        format!(
            "Imported {summary} (version {version}), and this server now follows it.\n\n{changes}"
        )
    };
    Ok(Reply::text(text))
}

/// The attachment's name as problems name it: its last part, short.
fn file_name(filename: &str) -> String {
    let last = filename.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).take(60).collect();
    if clean.is_empty() {
        "the file".into()
    } else {
        clean
    }
}

fn too_big(name: &str, size: u64) -> CommandError {
    CommandError::user(format!(
        "{name} is {} KiB; a roadmap file may be at most {} KiB. Split long texts or drop \
         unused prompts, then import it again. Nothing changed.",
        size.div_ceil(1024),
        MAX_FILE_BYTES / 1024
    ))
}

/// Every problem with its line, as `check-content` prints them; past what one message holds,
/// the rest is counted (`waypoint check-content FILE` lists them all).
fn problems(name: &str, errors: &ContentErrors) -> CommandError {
    let count = errors.0.len();
    let mut text = format!(
        "{name} was not imported: {} to fix. Nothing changed.\n",
        words::count(count, "problem", "problems")
    );
    let mut shown = 0;
    for error in &errors.0 {
        let line = format!("- {}\n", limits::truncate(&error.to_string(), 300));
        if text.len() + line.len() > limits::CONTENT - 200 {
            break;
        }
        text.push_str(&line);
        shown += 1;
    }
    if shown < count {
        text.push_str(&format!(
            "…and {} more: `waypoint check-content {name}` lists them all.\n",
            count - shown
        ));
    }
    text.push_str("Fix these in the file and run `/settings roadmap import` again.");
    CommandError::user(text)
}

fn size(roadmap: &Roadmap) -> String {
    format!(
        "{}, {}",
        words::count(roadmap.phases.len(), "phase", "phases"),
        words::count(roadmap.topic_count(), "topic", "topics")
    )
}

/// What members see change when the server moves from `old` to `new`.
fn what_changes(old: &Roadmap, new: &Roadmap) -> String {
    format!(
        "What changes for members:\n\
         - `/roadmap`, `/progress` and the phase leaderboards now show {new}.\n\
         - Progress on {old} stays stored: it shows again if the server switches back.\n\
         - Points already earned stay in every member's total.\n\
         - Running challenges keep counting on the roadmap they were created on.\n\
         - Weekly prompts now come from {new}. Phase roles follow phase numbers: check them \
         with `/settings show`.",
        old = old.title,
        new = new.title
    )
}

async fn export(ctx: &Ctx<'_>) -> CommandResult<Reply> {
    let roadmap = ctx.roadmap();
    let text = match stored_source(ctx).await? {
        // An imported roadmap goes back as staff wrote it, comments and all.
        Some(source) => source,
        None => to_single_file(roadmap).map_err(|e| CommandError::Internal(e.into()))?,
    };
    Ok(Reply::text(format!(
        "Here is the {} roadmap this server follows, in one file. Edit it in any text editor; \
         `waypoint check-content FILE` checks it and names the line of each problem, and \
         `/settings roadmap import` brings it back.",
        roadmap.title
    ))
    .with_file(format!("{}.toml", roadmap.id), text.into_bytes()))
}

/// The file an imported roadmap the server follows was made from.
async fn stored_source(ctx: &Ctx<'_>) -> CommandResult<Option<String>> {
    let guild = ctx.guild()?;
    let Some(Followed {
        id,
        version: Some(version),
    }) = ctx.app.content.followed_by(guild)
    else {
        return Ok(None);
    };
    Ok(store::source(&ctx.app.db, guild, &id, version).await?)
}
