//! Slash-command options: typed constants, their Discord definition, parsing typed text, and
//! checking values from any transport against the declared type and bounds.

mod check;
mod definition;
mod parse;
mod typed;

pub use definition::{OptionKind, OptionSpec};
pub use typed::{FromValue, Opt};

#[cfg(test)]
mod tests {
    use serenity::all::{ChannelId, UserId};

    use super::definition::ChannelUse;
    use super::*;
    use crate::commands::error::{CommandError, CommandResult};
    use crate::commands::value::Value;
    use serenity::all::ChannelType;

    fn option(kind: OptionKind) -> OptionSpec {
        OptionSpec {
            name: "x",
            description: "test option",
            kind,
            required: false,
        }
    }

    fn message(result: CommandResult<Value>) -> String {
        match result {
            Err(CommandError::User(message)) => message,
            other => panic!("expected a user error, got {other:?}"),
        }
    }

    #[test]
    fn integers_are_parsed_and_bounded() {
        let phase = option(OptionKind::Integer { min: 1, max: 4 });
        assert_eq!(phase.parse_text(" 3 ").unwrap(), Value::Integer(3));
        assert!(message(phase.parse_text("9")).contains("between 1 and 4"));
        assert!(message(phase.parse_text("three")).contains("whole number from 1 to 4"));
    }

    #[test]
    fn members_and_channels_accept_mentions_and_bare_ids() {
        let member = option(OptionKind::User);
        assert_eq!(
            member.parse_text("<@!42>").unwrap(),
            Value::User(UserId::new(42))
        );
        assert_eq!(
            member.parse_text("42").unwrap(),
            Value::User(UserId::new(42))
        );
        assert!(message(member.parse_text("<#42>")).contains("takes a member"));
        assert!(message(member.parse_text("0")).contains("takes a member"));
        let channel = option(OptionKind::Channel(ChannelUse::Posts));
        assert_eq!(
            channel.parse_text("<#7>").unwrap(),
            Value::Channel(ChannelId::new(7), None)
        );
        assert_eq!(
            channel.parse_text("#7").unwrap(),
            Value::Channel(ChannelId::new(7), None)
        );
        let voice = Value::Channel(ChannelId::new(7), Some(ChannelType::Voice));
        assert!(channel
            .check(&voice)
            .unwrap_err()
            .to_string()
            .contains("not a text channel"));
        let text = Value::Channel(ChannelId::new(7), Some(ChannelType::Text));
        assert!(channel.check(&text).is_ok());
        let news = Value::Channel(ChannelId::new(7), Some(ChannelType::News));
        assert!(channel.check(&news).is_ok());
        let threads = option(OptionKind::Channel(ChannelUse::Threads));
        assert!(threads.check(&text).is_ok());
        assert!(threads
            .check(&news)
            .unwrap_err()
            .to_string()
            .contains("allows them only in text channels"));
    }

    #[test]
    fn text_booleans_and_sub_commands() {
        let text = option(OptionKind::String {
            autocomplete: false,
            max_length: 5,
            choices: &[],
        });
        assert_eq!(
            text.parse_text("hello").unwrap(),
            Value::String("hello".into())
        );
        assert!(message(text.parse_text("hello!")).contains("at most 5 characters"));
        let flag = option(OptionKind::Boolean);
        assert_eq!(flag.parse_text("Yes").unwrap(), Value::Boolean(true));
        assert!(message(flag.parse_text("maybe")).contains("true or false"));
        let sub = OptionSpec::subcommand("x", "test", Vec::new());
        assert!(message(sub.parse_text("1")).contains("sub-command"));
    }

    #[test]
    fn values_of_another_type_are_refused_by_name() {
        let phase = option(OptionKind::Integer { min: 1, max: 4 });
        let refused = phase.check(&Value::Boolean(true)).unwrap_err().to_string();
        assert_eq!(refused, "`x` takes a whole number, not true or false.");
    }
}
