//! Damaged input never panics: truncated and bit-flipped DOCX, ODT, RTF and TXT either
//! extract or fail with one of the documented error codes.

mod common;

use common::{docx, odt, p};
use shnor::extract::{Options, extract_bytes};

const CODES: [&str; 5] = ["corrupt", "empty", "too_large", "unsupported", "encrypted"];

/// Deterministic xorshift so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn check_mutations(name: &str, original: &[u8], rng: &mut Rng, rounds: usize) {
    let opts = Options::default();
    for round in 0..rounds {
        let mut bytes = original.to_vec();
        match round % 3 {
            0 => bytes.truncate((rng.next() % original.len() as u64) as usize),
            _ => {
                for _ in 0..=(rng.next() % 8) {
                    let i = (rng.next() % bytes.len() as u64) as usize;
                    bytes[i] = rng.next() as u8;
                }
            }
        }
        if let Err(e) = extract_bytes(name, &bytes, &opts) {
            assert!(CODES.contains(&e.code()), "{name} round {round}: {e}");
        }
    }
}

#[test]
fn mutated_files_never_panic() {
    let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
    let body = format!(
        "{}<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>{}</w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr>{}</w:tc></w:tr></w:tbl>",
        p("Цель программы"),
        p("ячейка"),
        p("ещё")
    );
    // Flips in the deflated package exercise the zip layer...
    check_mutations("a.docx", &docx(&body, &[], None), &mut rng, 300);
    // ...and flips in the XML before packaging exercise the XML and DOCX readers.
    let opts = Options::default();
    for round in 0..300 {
        let mut xml = body.clone().into_bytes();
        for _ in 0..=(rng.next() % 4) {
            let i = (rng.next() % xml.len() as u64) as usize;
            xml[i] = b"<>/\"=w:012 abc"[(rng.next() % 14) as usize];
        }
        let xml = String::from_utf8_lossy(&xml);
        if let Err(e) = extract_bytes("x.docx", &docx(&xml, &[], None), &opts) {
            assert!(CODES.contains(&e.code()), "xml round {round}: {e}");
        }
    }
    check_mutations(
        "a.odt",
        &odt(
            "<text:h text:outline-level=\"1\">Цель</text:h><table:table><table:table-row><table:table-cell table:number-columns-spanned=\"2\"><text:p>x</text:p></table:table-cell></table:table-row></table:table>",
            "",
            None,
            None,
        ),
        &mut rng,
        300,
    );
    let rtf = br"{\rtf1\ansi\ansicpg1251{\fonttbl{\f0\fcharset204 Arial;}}{\info{\title \'d6}}\f0 \'d6\'e5\'eb\'fc\u1052?{\footnote n\par}\par
\trowd\clvmgf\cellx1000\clmrg\cellx3000\pard\intbl A\cell B\cell\row\pard\intbl\itap2 x\nestcell{\*\nesttableprops\trowd\cellx10\nestrow}\pard\itap1 y\cell\row{\pict\bin3 abc}}";
    check_mutations("a.rtf", rtf, &mut rng, 1500);
    check_mutations(
        "a.txt",
        "ПАСПОРТ\n\n1. Цель\n\nтекст".as_bytes(),
        &mut rng,
        300,
    );
}
