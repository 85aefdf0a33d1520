//! The SWIFT IBAN registry (ISO 13616 registration authority), release 100
//! of October 2025: every country's IBAN length and BBAN structure.
//!
//! Structures use the registry's notation: `5!n` five digits, `4!a` four
//! uppercase letters, `11!c` eleven letters or digits.

/// (country, IBAN length, BBAN structure), one row per registry entry.
pub(super) const COUNTRIES: &[(&str, usize, &str)] = &[
    ("AD", 24, "4!n4!n12!c"),
    ("AE", 23, "3!n16!n"),
    ("AL", 28, "8!n16!c"),
    ("AT", 20, "5!n11!n"),
    ("AZ", 28, "4!a20!c"),
    ("BA", 20, "3!n3!n8!n2!n"),
    ("BE", 16, "3!n7!n2!n"),
    ("BG", 22, "4!a4!n2!n8!c"),
    ("BH", 22, "4!a14!c"),
    ("BI", 27, "5!n5!n11!n2!n"),
    ("BR", 29, "8!n5!n10!n1!a1!c"),
    ("BY", 28, "4!c4!n16!c"),
    ("CH", 21, "5!n12!c"),
    ("CR", 22, "4!n14!n"),
    ("CY", 28, "3!n5!n16!c"),
    ("CZ", 24, "4!n6!n10!n"),
    ("DE", 22, "8!n10!n"),
    ("DJ", 27, "5!n5!n11!n2!n"),
    ("DK", 18, "4!n9!n1!n"),
    ("DO", 28, "4!c20!n"),
    ("EE", 20, "2!n14!n"),
    ("EG", 29, "4!n4!n17!n"),
    ("ES", 24, "4!n4!n1!n1!n10!n"),
    ("FI", 18, "3!n11!n"),
    ("FK", 18, "2!a12!n"),
    ("FO", 18, "4!n9!n1!n"),
    ("FR", 27, "5!n5!n11!c2!n"),
    ("GB", 22, "4!a6!n8!n"),
    ("GE", 22, "2!a16!n"),
    ("GI", 23, "4!a15!c"),
    ("GL", 18, "4!n9!n1!n"),
    ("GR", 27, "3!n4!n16!c"),
    ("GT", 28, "4!c20!c"),
    ("HN", 28, "4!a20!n"),
    ("HR", 21, "7!n10!n"),
    ("HU", 28, "3!n4!n1!n15!n1!n"),
    ("IE", 22, "4!a6!n8!n"),
    ("IL", 23, "3!n3!n13!n"),
    ("IQ", 23, "4!a3!n12!n"),
    ("IS", 26, "4!n2!n6!n10!n"),
    ("IT", 27, "1!a5!n5!n12!c"),
    ("JO", 30, "4!a4!n18!c"),
    ("KW", 30, "4!a22!c"),
    ("KZ", 20, "3!n13!c"),
    ("LB", 28, "4!n20!c"),
    ("LC", 32, "4!a24!c"),
    ("LI", 21, "5!n12!c"),
    ("LT", 20, "5!n11!n"),
    ("LU", 20, "3!n13!c"),
    ("LV", 21, "4!a13!c"),
    ("LY", 25, "3!n3!n15!n"),
    ("MC", 27, "5!n5!n11!c2!n"),
    ("MD", 24, "2!c18!c"),
    ("ME", 22, "3!n13!n2!n"),
    ("MK", 19, "3!n10!c2!n"),
    ("MN", 20, "4!n12!n"),
    ("MR", 27, "5!n5!n11!n2!n"),
    ("MT", 31, "4!a5!n18!c"),
    ("MU", 30, "4!a2!n2!n12!n3!n3!a"),
    ("NI", 28, "4!a20!n"),
    ("NL", 18, "4!a10!n"),
    ("NO", 15, "4!n6!n1!n"),
    ("OM", 23, "3!n16!c"),
    ("PK", 24, "4!a16!c"),
    ("PL", 28, "8!n16!n"),
    ("PS", 29, "4!a21!c"),
    ("PT", 25, "4!n4!n11!n2!n"),
    ("QA", 29, "4!a21!c"),
    ("RO", 24, "4!a16!c"),
    ("RS", 22, "3!n13!n2!n"),
    ("RU", 33, "9!n5!n15!c"),
    ("SA", 24, "2!n18!c"),
    ("SC", 31, "4!a2!n2!n16!n3!a"),
    ("SD", 18, "2!n12!n"),
    ("SE", 24, "3!n16!n1!n"),
    ("SI", 19, "5!n8!n2!n"),
    ("SK", 24, "4!n6!n10!n"),
    ("SM", 27, "1!a5!n5!n12!c"),
    ("SO", 23, "4!n3!n12!n"),
    ("ST", 25, "4!n4!n11!n2!n"),
    ("SV", 28, "4!a20!n"),
    ("TL", 23, "3!n14!n2!n"),
    ("TN", 24, "2!n3!n13!n2!n"),
    ("TR", 26, "5!n1!n16!c"),
    ("UA", 29, "6!n19!c"),
    ("VA", 22, "3!n15!n"),
    ("VG", 24, "4!a16!n"),
    ("XK", 20, "4!n10!n2!n"),
    ("YE", 30, "4!a4!n18!c"),
];

/// Territories the registry lists inside another country's entry ("other
/// territories"): their IBANs follow that country's format.
pub(super) const TERRITORIES: &[(&str, &str)] = &[
    ("AX", "FI"),
    ("GF", "FR"),
    ("GP", "FR"),
    ("MQ", "FR"),
    ("RE", "FR"),
    ("PF", "FR"),
    ("TF", "FR"),
    ("YT", "FR"),
    ("NC", "FR"),
    ("BL", "FR"),
    ("MF", "FR"),
    ("PM", "FR"),
    ("WF", "FR"),
    ("IM", "GB"),
    ("JE", "GB"),
    ("GG", "GB"),
];

/// IBAN length and BBAN structure for a country code, territories included.
pub(super) fn format_of(country: &str) -> Option<(usize, &'static str)> {
    let own = TERRITORIES
        .iter()
        .find(|(code, _)| *code == country)
        .map_or(country, |(_, parent)| *parent);
    COUNTRIES
        .iter()
        .find(|(code, _, _)| *code == own)
        .map(|(_, length, structure)| (*length, *structure))
}

/// Whether `bban` follows `structure` (registry notation).
pub(super) fn matches_structure(bban: &str, structure: &str) -> bool {
    let mut rest = bban.as_bytes();
    for part in structure.split_inclusive(['n', 'a', 'c']) {
        let (count, class) = part.split_at(part.len() - 1);
        let Ok(count) = count.trim_end_matches('!').parse::<usize>() else {
            return false;
        };
        if rest.len() < count {
            return false;
        }
        let (field, tail) = rest.split_at(count);
        let fits = match class {
            "n" => field.iter().all(u8::is_ascii_digit),
            "a" => field.iter().all(u8::is_ascii_uppercase),
            _ => field
                .iter()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()),
        };
        if !fits {
            return false;
        }
        rest = tail;
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn structure_length(structure: &str) -> usize {
        structure
            .split_inclusive(['n', 'a', 'c'])
            .map(|part| {
                part[..part.len() - 1]
                    .trim_end_matches('!')
                    .parse::<usize>()
                    .unwrap()
            })
            .sum()
    }

    #[test]
    fn every_structure_adds_up_to_its_length() {
        for (country, length, structure) in COUNTRIES {
            assert_eq!(structure_length(structure) + 4, *length, "{country}");
        }
    }

    #[test]
    fn registry_has_its_89_countries_once_each_in_order() {
        assert_eq!(COUNTRIES.len(), 89);
        let codes: Vec<&str> = COUNTRIES.iter().map(|(code, _, _)| *code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        for (territory, parent) in TERRITORIES {
            assert!(!codes.contains(territory), "{territory}");
            assert!(codes.contains(parent), "{parent}");
        }
    }

    #[test]
    fn shortest_and_longest() {
        let lengths = COUNTRIES.iter().map(|(_, length, _)| *length);
        assert_eq!(lengths.clone().min(), Some(15));
        assert_eq!(lengths.max(), Some(33));
        assert_eq!(format_of("NO"), Some((15, "4!n6!n1!n")));
        assert_eq!(format_of("RU"), Some((33, "9!n5!n15!c")));
    }

    #[test]
    fn territories_take_their_parent_format() {
        assert_eq!(format_of("GP"), format_of("FR"));
        assert_eq!(format_of("AX"), format_of("FI"));
        assert_eq!(format_of("JE"), format_of("GB"));
        assert_eq!(format_of("US"), None);
    }

    #[test]
    fn structure_matching() {
        assert!(matches_structure(
            "20041010050500013M02606",
            "5!n5!n11!c2!n"
        ));
        assert!(!matches_structure(
            "2004101005050001 M02606",
            "5!n5!n11!c2!n"
        ));
        assert!(!matches_structure(
            "20041010050500013M0260",
            "5!n5!n11!c2!n"
        ));
        assert!(!matches_structure(
            "20041010050500013M026066",
            "5!n5!n11!c2!n"
        ));
        assert!(!matches_structure(
            "A0041010050500013M02606",
            "5!n5!n11!c2!n"
        ));
        assert!(matches_structure("NWBK60161331926819", "4!a6!n8!n"));
        assert!(!matches_structure("NW3K60161331926819", "4!a6!n8!n"));
    }
}
