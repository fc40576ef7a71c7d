//! How text becomes search terms: words in lower case, the commonest English words left out
//! (they match every topic and say nothing), each reduced to its stem so "tensors" finds
//! "tensor". The index and the query go through the same functions, so they always agree.

use rust_stemmers::{Algorithm, Stemmer};

/// Words too common to rank by; a query of nothing else is refused with a hint.
const STOP_WORDS: &[&str] = &[
    "a", "about", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for",
    "from", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "not", "of", "on", "or",
    "so", "that", "the", "their", "them", "then", "there", "these", "this", "to", "was", "we",
    "what", "when", "where", "which", "who", "why", "will", "with", "you", "your",
];

/// Splits and stems text; `bm25` tokenizes documents with it too.
pub(crate) struct Words {
    stemmer: Stemmer,
}

impl Default for Words {
    fn default() -> Self {
        Self {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

impl Words {
    /// The words of `text` worth searching for, lower-cased, in order, repeats kept.
    pub fn split(text: &str) -> impl Iterator<Item = String> + '_ {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .filter(|w| !STOP_WORDS.contains(&w.as_str()))
    }

    /// The stem of a lower-case word.
    pub fn stem(&self, word: &str) -> String {
        self.stemmer.stem(word).into_owned()
    }
}

impl bm25::Tokenizer for Words {
    fn tokenize(&self, text: &str) -> Vec<String> {
        Self::split(text).map(|w| self.stem(&w)).collect()
    }
}

/// The set of characters a word holds, one bit each: a to z and 0 to 9 their own, any other
/// character sharing the rest.
pub(crate) fn letters(word: &str) -> u64 {
    word.chars().fold(0, |set, c| {
        let bit = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            '0'..='9' => 26 + c as u32 - '0' as u32,
            other => 36 + other as u32 % 28,
        };
        set | 1 << bit
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bm25::Tokenizer;

    #[test]
    fn words_are_lower_cased_split_on_punctuation_and_stemmed() {
        let words = Words::default();
        assert_eq!(
            words.tokenize("Tensors, autograd and nn.Module"),
            ["tensor", "autograd", "nn", "modul"]
        );
        assert_eq!(words.tokenize("the and of"), Vec::<String>::new());
        assert_eq!(words.tokenize("linear-algebra"), ["linear", "algebra"]);
    }

    #[test]
    fn letters_are_a_set() {
        assert_eq!(letters("aab"), letters("ba"));
        assert_ne!(letters("pytorch"), letters("pytorh"));
        assert_eq!((letters("pytorch") & !letters("pytorh")).count_ones(), 1);
        assert_eq!(letters("é"), letters("é"));
        assert!(letters("日本") != 0);
    }
}
