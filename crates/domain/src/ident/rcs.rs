//! RCS number: a company's registration in the Registre du commerce et des
//! sociétés, "RCS" and the city of the court registry (greffe) with the
//! company's SIREN, sometimes with the old letter A (trader) or B (company).

use std::fmt;

use super::{IdentError, IdentKind};
use crate::siren::Siren;

const KIND: IdentKind = IdentKind::Rcs;

/// Words of French place names written in lowercase inside a name
/// ("Aix-en-Provence", "Pointe-à-Pitre"), used when a city comes in capitals.
const LOWERCASE_WORDS: &[&str] = &[
    "à", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "lès", "lez",
    "sous", "sur",
];

/// A valid RCS number. Displays as `RCS Lyon 123 456 789` (with the letter,
/// `RCS Nancy B 323 159 715`, when it was given).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct RcsNumber {
    city: String,
    letter: Option<char>,
    siren: Siren,
}

text_identifier!(
    RcsNumber,
    pattern: r"^RCS \S.* ([AB] )?[0-9]{3} [0-9]{3} [0-9]{3}$",
    description: "RCS number: RCS, the registry's city, the SIREN",
    example: "RCS Paris 552 032 534"
);

impl RcsNumber {
    /// Reads "RCS Lyon 123 456 789", "RCS LYON B 123456789" and the order of
    /// Code de commerce R123-237, "123 456 789 RCS Lyon". A city typed all in
    /// capitals is put in its usual case.
    pub fn parse(text: &str) -> Result<RcsNumber, IdentError> {
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.is_empty() {
            return Err(IdentError::Empty { kind: KIND });
        }
        let Some(rcs_at) = words.iter().position(|w| w.eq_ignore_ascii_case("RCS")) else {
            return Err(IdentError::format(KIND, "it holds the word RCS"));
        };
        let (city_words, letter, digits) = if rcs_at == 0 {
            split_siren_off(&words[1..])?
        } else {
            (words[rcs_at + 1..].to_vec(), None, words[..rcs_at].concat())
        };
        let city = city_name(&city_words)?;
        let siren = Siren::parse(&digits)?;
        Ok(RcsNumber {
            city,
            letter,
            siren,
        })
    }

    /// An RCS number from its parts, the city checked as in `parse`.
    pub fn new(city: &str, siren: Siren) -> Result<RcsNumber, IdentError> {
        let words: Vec<&str> = city.split_whitespace().collect();
        Ok(RcsNumber {
            city: city_name(&words)?,
            letter: None,
            siren,
        })
    }

    pub fn siren(&self) -> &Siren {
        &self.siren
    }

    /// City of the court registry: `Lyon`, `Saint-Étienne`.
    pub fn city(&self) -> &str {
        &self.city
    }

    /// The old A (trader) or B (company) letter, when it was given.
    pub fn letter(&self) -> Option<char> {
        self.letter
    }
}

/// Splits "Nancy B 323 159 715" (after "RCS") into city words, letter and
/// SIREN digits: the SIREN is the last nine digits, spaces allowed between
/// them, and the letter may be glued to them ("B323159715").
fn split_siren_off<'a>(
    words: &[&'a str],
) -> Result<(Vec<&'a str>, Option<char>, String), IdentError> {
    let mut words = words.to_vec();
    let mut digits = String::new();
    while digits.len() < 9 {
        let Some(last) = words.pop() else { break };
        let tail_len = last.len() - last.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        digits.insert_str(0, &last[last.len() - tail_len..]);
        if tail_len < last.len() {
            words.push(&last[..last.len() - tail_len]);
            break;
        }
    }
    if digits.len() != 9 {
        return Err(IdentError::format(KIND, "it ends with a nine-digit SIREN"));
    }
    let letter = match words.as_slice() {
        [_, .., last] if last.eq_ignore_ascii_case("A") || last.eq_ignore_ascii_case("B") => {
            let letter = last.chars().next().map(|c| c.to_ascii_uppercase());
            words.pop();
            letter
        }
        _ => None,
    };
    Ok((words, letter, digits))
}

fn city_name(words: &[&str]) -> Result<String, IdentError> {
    if words.is_empty() {
        return Err(IdentError::format(KIND, "the city is missing"));
    }
    let city = words.join(" ");
    if let Some(found) = city
        .chars()
        .find(|c| !(c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’')))
    {
        return Err(IdentError::BadCharacter { kind: KIND, found });
    }
    if city.chars().any(char::is_lowercase) {
        Ok(city)
    } else {
        Ok(usual_case(&city))
    }
}

/// "SAINT-ÉTIENNE" → "Saint-Étienne", "AIX-EN-PROVENCE" → "Aix-en-Provence".
fn usual_case(city: &str) -> String {
    fn push_word(word: &mut String, out: &mut String) {
        let lower = word.to_lowercase();
        if !out.is_empty() && LOWERCASE_WORDS.contains(&lower.as_str()) {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        }
        word.clear();
    }
    let mut out = String::with_capacity(city.len());
    let mut word = String::new();
    for ch in city.chars() {
        if ch.is_alphabetic() {
            word.push(ch);
        } else {
            push_word(&mut word, &mut out);
            out.push(ch);
        }
    }
    push_word(&mut word, &mut out);
    out
}

impl fmt::Display for RcsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RCS {} ", self.city)?;
        if let Some(letter) = self.letter {
            write!(f, "{letter} ")?;
        }
        f.write_str(&self.siren.grouped())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::siren::SirenError;

    fn parse(text: &str) -> RcsNumber {
        RcsNumber::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// tests/test_fr_rcs.doctest of python-stdnum
    /// (https://github.com/arthurdejong/python-stdnum).
    #[test]
    fn python_stdnum_vectors() {
        for text in [
            "RCS Nancy B 323 159 715",
            "RCS Nancy B 323159715",
            "RCS Nancy B323 159715",
            "RCS Nancy B323159715",
        ] {
            let rcs = parse(text);
            assert_eq!(rcs.to_string(), "RCS Nancy B 323 159 715");
            assert_eq!(rcs.siren().as_str(), "323159715");
            assert_eq!(rcs.city(), "Nancy");
            assert_eq!(rcs.letter(), Some('B'));
        }
        // "invalid check digit"
        assert!(matches!(
            RcsNumber::parse("RCS Nancy B 323 159 716"),
            Err(IdentError::Siren(SirenError::Checksum(_)))
        ));
        // "invalid format": RCS glued to the city.
        assert!(matches!(
            RcsNumber::parse("RCSNancy B 323 159 715"),
            Err(IdentError::Format { kind: KIND, .. })
        ));
    }

    #[test]
    fn cities_with_spaces_hyphens_and_accents() {
        // Danone (552 032 534) and La Poste (356 000 000), valid SIRENs.
        for (text, city, display) in [
            ("RCS Lyon 552 032 534", "Lyon", "RCS Lyon 552 032 534"),
            ("RCS LYON B 552 032 534", "Lyon", "RCS Lyon B 552 032 534"),
            (
                "rcs Saint-Étienne 552032534",
                "Saint-Étienne",
                "RCS Saint-Étienne 552 032 534",
            ),
            (
                "RCS SAINT-ÉTIENNE 552 032 534",
                "Saint-Étienne",
                "RCS Saint-Étienne 552 032 534",
            ),
            (
                "RCS Aix-en-Provence 552 032 534",
                "Aix-en-Provence",
                "RCS Aix-en-Provence 552 032 534",
            ),
            (
                "RCS AIX-EN-PROVENCE A 552032534",
                "Aix-en-Provence",
                "RCS Aix-en-Provence A 552 032 534",
            ),
            (
                "RCS POINTE-À-PITRE 356 000 000",
                "Pointe-à-Pitre",
                "RCS Pointe-à-Pitre 356 000 000",
            ),
            (
                "RCS LE MANS 356 000 000",
                "Le Mans",
                "RCS Le Mans 356 000 000",
            ),
            (
                "RCS Saint-Denis de la Réunion 356 000 000",
                "Saint-Denis de la Réunion",
                "RCS Saint-Denis de la Réunion 356 000 000",
            ),
            (
                "  RCS   Paris   356 000 000 ",
                "Paris",
                "RCS Paris 356 000 000",
            ),
            // Code de commerce R123-237: the SIREN first.
            ("552 032 534 RCS Paris", "Paris", "RCS Paris 552 032 534"),
        ] {
            let rcs = parse(text);
            assert_eq!(rcs.city(), city, "{text}");
            assert_eq!(rcs.to_string(), display, "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_rcs_number() {
        assert_eq!(
            RcsNumber::parse("  "),
            Err(IdentError::Empty { kind: KIND })
        );
        assert!(matches!(
            RcsNumber::parse("Lyon 552 032 534"),
            Err(IdentError::Format { kind: KIND, .. })
        ));
        assert!(matches!(
            RcsNumber::parse("RCS 552 032 534"),
            Err(IdentError::Format { kind: KIND, .. })
        ));
        assert!(matches!(
            RcsNumber::parse("RCS Lyon 552 032 53"),
            Err(IdentError::Format { kind: KIND, .. })
        ));
        // A tenth digit is not part of a city name.
        assert_eq!(
            RcsNumber::parse("RCS Lyon 1 552 032 534"),
            Err(IdentError::BadCharacter {
                kind: KIND,
                found: '1'
            })
        );
        assert!(matches!(
            RcsNumber::parse("552 032 535 RCS Paris"),
            Err(IdentError::Siren(SirenError::Checksum(_)))
        ));
    }

    /// tests/test_fr_siren.doctest of python-stdnum: "These have been found
    /// online and should all be valid numbers", each as the SIREN of an RCS
    /// number.
    #[test]
    fn accepts_python_stdnum_valid_sirens() {
        for siren in [
            "217601 145",
            "3 1 0 1 8 8 4 2 0",
            "350792008",
            "480318245",
            "500 674 056",
            "529290488",
            "738 205 269",
            "752136200",
            "752490334",
            "775 699 309",
            "775672272",
            "776 944 944",
            "820043784",
        ] {
            let rcs = parse(&format!("RCS Paris B {siren}"));
            assert_eq!(rcs.siren().as_str(), siren.replace(' ', ""));
        }
    }

    #[test]
    fn agrees_with_siren_rcs() {
        // Siren::rcs writes what RcsNumber reads and displays back.
        for (siren, city) in [
            ("552032534", "Paris"),
            ("356000000", "Saint-Étienne"),
            ("441639465", "Aix-en-Provence"),
        ] {
            let siren = Siren::parse(siren).unwrap();
            let written = siren.rcs(city);
            let rcs = parse(&written);
            assert_eq!(rcs.to_string(), written);
            assert_eq!(rcs.siren(), &siren);
            assert_eq!(rcs.city(), city);
            assert_eq!(RcsNumber::new(city, siren).unwrap(), rcs);
        }
    }

    #[test]
    fn serde_uses_the_display_form() {
        let rcs = parse("RCS LYON B 552032534");
        assert_eq!(
            serde_json::to_string(&rcs).unwrap(),
            "\"RCS Lyon B 552 032 534\""
        );
        let back: RcsNumber = serde_json::from_str("\"RCS Lyon B 552 032 534\"").unwrap();
        assert_eq!(back, rcs);
    }
}
