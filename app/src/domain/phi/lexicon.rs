//! The word lists behind the PHI guard's name rules: given names (and those in wide use)
//! and surnames of many cultures, one-word place names, and common English words. Built by `scripts/phi-names`
//! from published packages (NOTICE.md beside the lists names them and their licences) and
//! compiled into the server: the guard needs no file or network at run time.
//!
//! Each list is loaded once, on the first scan, into a hash set of slices of the
//! embedded text (no copies).

use std::collections::HashSet;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What the lists know of one word, looked up by its lowercase form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Word {
    pub given: bool,
    pub surname: bool,
    pub place: bool,
    /// A frequent everyday English word ("will", "may", "long"), never a name alone.
    pub common: bool,
    /// A name that is also an English dictionary word ("grace", "smith", "john").
    pub dictionary: bool,
    /// A given name in wide use ("john", "emma"), not a rare one that is also a word
    /// ("holiday").
    pub popular: bool,
    /// Any other word of the English dictionary ("bradycardia", "thrombolysis").
    pub english: bool,
}

impl Word {
    /// A given name that is no English word nor place ("Chidinma", "Arturo"): a name
    /// even alone.
    pub fn clearly_a_name(self) -> bool {
        self.given && !self.common && !self.dictionary && !self.place
    }

    /// A given name or surname that is not a frequent everyday word: a name beside another.
    pub fn name_like(self) -> bool {
        (self.given || self.surname) && !self.common
    }

    /// In no list at all: no name, place or word the lists know. Capitalised beside
    /// another such word or a name, most likely a name of a culture the lists miss.
    pub fn unknown(self) -> bool {
        self == Word::default()
    }
}

struct Lists {
    given: HashSet<&'static str>,
    surname: HashSet<&'static str>,
    place: HashSet<&'static str>,
    common: HashSet<&'static str>,
    dictionary: HashSet<&'static str>,
    popular: HashSet<&'static str>,
    english: HashSet<&'static str>,
}

fn set(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

static LISTS: LazyLock<Lists> = LazyLock::new(|| Lists {
    given: set(include_str!("given_names.txt")),
    surname: set(include_str!("surnames.txt")),
    place: set(include_str!("places.txt")),
    common: set(include_str!("common_words.txt")),
    dictionary: set(include_str!("name_words.txt")),
    popular: set(include_str!("popular_given_names.txt")),
    english: set(include_str!("english_words.txt")),
});

/// Looks a word up (any case; a possessive "'s" is ignored). A word the lists do not
/// hold is looked up again without its accents ("Ramírez"), and a hyphenated one by its
/// parts ("Asante-Darko": a given name and a surname).
pub fn word(w: &str) -> Word {
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .unwrap_or(w);
    let lower = w.to_lowercase();
    let found = exact(&lower);
    if found != Word::default() {
        return found;
    }
    if !lower.is_ascii() {
        let folded: String = lower.nfd().filter(|c| !is_combining_mark(*c)).collect();
        if folded != lower {
            let found = exact(&folded);
            if found != Word::default() {
                return found;
            }
        }
    }
    if lower.contains('-') {
        let parts: Vec<Word> = lower
            .split('-')
            .filter(|p| !p.is_empty())
            .map(word)
            .collect();
        // A name only if every part is one: "Asante-Darko", not "No-JS".
        let all_names = parts.iter().all(|p| p.given || p.surname);
        if parts.len() > 1 {
            return Word {
                given: all_names && parts[0].given,
                surname: all_names && parts.iter().any(|p| p.surname),
                place: parts.iter().all(|p| p.place),
                common: parts.iter().all(|p| p.common),
                dictionary: parts.iter().all(|p| p.dictionary || p.common || p.english),
                popular: all_names && parts[0].popular,
                english: parts.iter().all(|p| p.english || p.common),
            };
        }
    }
    found
}

fn exact(key: &str) -> Word {
    let l = &*LISTS;
    Word {
        given: l.given.contains(key),
        surname: l.surname.contains(key),
        place: l.place.contains(key),
        common: l.common.contains(key),
        dictionary: l.dictionary.contains(key),
        popular: l.popular.contains(key),
        english: l.english.contains(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_many_cultures_are_known_and_everyday_words_are_marked() {
        for given in [
            "Chidinma", "Emeka", "Arturo", "Kwame", "Shirin", "Piotr", "Bjørn",
        ] {
            assert!(word(given).given, "{given}");
        }
        for surname in [
            "Okafor",
            "Nwosu",
            "Wiśniewski",
            "Nguyen",
            "Farahani",
            "Haugen",
        ] {
            assert!(word(surname).surname, "{surname}");
        }
        assert!(word("Asante-Darko").given && word("Asante-Darko").surname);
        assert!(
            !word("No-JS").given,
            "a hyphenated word is a name only if every part is"
        );
        assert!(word("Ramírez").surname, "looked up without its accent too");
        for common in ["will", "may", "can"] {
            assert!(word(common).common, "{common}");
        }
        assert!(word("Grace").dictionary && !word("Grace").clearly_a_name());
        assert!(word("john").popular && !word("holiday").popular);
        assert!(word("Ohio").place);
        assert!(word("Chidinma's").given, "a possessive is the name");
        assert!(!word("metformin").clearly_a_name());
    }
}
