//! Paragraph properties of a Word 97 document: sprm lists ([MS-DOC] 2.2.5), the PAPX FKPs
//! reached through PlcfBtePapx (2.8.20, 2.9.175), and heading levels from the style sheet
//! (STSH, 2.9.271). Everything reads through bounds-checked helpers: a bad offset gives
//! default properties, never a panic.

use super::{le_u16, le_u32};

/// sprm opcodes we read ([MS-DOC] 2.6.2, 2.6.3).
const SPRM_P_ILVL: u16 = 0x260A;
const SPRM_P_ILFO: u16 = 0x460B;
const SPRM_P_FINTABLE: u16 = 0x2416;
const SPRM_P_FTTP: u16 = 0x2417;
const SPRM_P_OUTLVL: u16 = 0x2640;
const SPRM_P_ITAP: u16 = 0x6649;
const SPRM_P_FINNER_TABLE_CELL: u16 = 0x244B;
const SPRM_P_FINNER_TTP: u16 = 0x244C;
const SPRM_P_CHG_TABS: u16 = 0xC615;
const SPRM_T_DEF_TABLE: u16 = 0xD608;
const SPRM_T_DEF_TABLE10: u16 = 0xD606;

/// What the reader needs to know about one paragraph.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Para {
    pub istd: u16,
    pub in_table: bool,
    /// The paragraph is the end-of-row mark of a depth-1 table.
    pub ttp: bool,
    /// Table nesting depth (0 outside tables).
    pub itap: u32,
    /// The paragraph mark ends a cell of a nested table (depth `itap`).
    pub inner_cell: bool,
    /// The paragraph ends a row of a nested table.
    pub inner_ttp: bool,
    /// Outline level 0..=8 when set directly on the paragraph.
    pub outline: Option<u8>,
    /// List (LFO index, 0 = none) and level.
    pub ilfo: u16,
    pub ilvl: u8,
}

impl Para {
    /// Depth of the table the paragraph sits in (0 outside tables).
    pub fn depth(&self) -> u32 {
        if self.itap > 0 {
            self.itap
        } else {
            u32::from(self.in_table)
        }
    }

    /// Apply a grpprl of paragraph sprms.
    pub fn apply(&mut self, grpprl: &[u8]) {
        for (op, arg) in Sprms::new(grpprl) {
            let b = arg.first().copied().unwrap_or(0);
            match op {
                SPRM_P_FINTABLE => self.in_table = b != 0,
                SPRM_P_FTTP => self.ttp = b != 0,
                SPRM_P_ITAP => self.itap = le_u32(arg, 0).unwrap_or(0).min(64),
                SPRM_P_FINNER_TABLE_CELL => self.inner_cell = b != 0,
                SPRM_P_FINNER_TTP => self.inner_ttp = b != 0,
                SPRM_P_OUTLVL => self.outline = (b <= 8).then_some(b),
                SPRM_P_ILFO => self.ilfo = le_u16(arg, 0).unwrap_or(0),
                SPRM_P_ILVL => self.ilvl = b.min(8),
                _ => {}
            }
        }
    }
}

/// Iterator over (opcode, operand) of a grpprl; stops at the first truncated sprm.
pub(super) struct Sprms<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Sprms<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Sprms { data, pos: 0 }
    }
}

impl<'a> Iterator for Sprms<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let op = le_u16(self.data, self.pos)?;
        let mut start = self.pos + 2;
        let len = match op >> 13 {
            0 | 1 => 1,
            2 | 4 | 5 => 2,
            3 => 4,
            7 => 3,
            _ => match op {
                SPRM_T_DEF_TABLE | SPRM_T_DEF_TABLE10 => {
                    // A 2-byte size that counts itself minus one ([MS-DOC] 2.6.4).
                    let cb = usize::from(le_u16(self.data, start)?);
                    start += 2;
                    cb.saturating_sub(1)
                }
                _ => {
                    let cb = usize::from(*self.data.get(start)?);
                    // sprmPChgTabs with cb 255 has a layout of its own; nothing we need follows.
                    if op == SPRM_P_CHG_TABS && cb == 255 {
                        return None;
                    }
                    start += 1;
                    cb
                }
            },
        };
        let arg = self.data.get(start..start.checked_add(len)?)?;
        self.pos = start + len;
        Some((op, arg))
    }
}

/// Table cell layout of one row from its sprmTDefTable: cell boundaries and merge flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct RowDef {
    /// itcMac + 1 boundaries in twips.
    pub bounds: Vec<i16>,
    /// Per cell: (horizontally merged into the previous cell, vertically merged into the cell
    /// above without restarting).
    pub merged: Vec<(bool, bool)>,
}

impl RowDef {
    /// The row definition carried by an end-of-row paragraph's grpprl, if any.
    pub fn from_grpprl(grpprl: &[u8]) -> Option<RowDef> {
        let (_, arg) = Sprms::new(grpprl).find(|(op, _)| *op == SPRM_T_DEF_TABLE)?;
        let n = usize::from(*arg.first()?).min(63);
        let bounds: Vec<i16> = (0..=n)
            .map_while(|i| le_u16(arg, 1 + 2 * i).map(|v| v as i16))
            .collect();
        if bounds.len() != n + 1 {
            return None;
        }
        let tcs = 1 + 2 * (n + 1);
        let merged = (0..n)
            .map(|i| {
                // TC80: tcgrf first; fMerged bit 1, fVertMerge bit 5, fVertRestart bit 6.
                let flags = le_u16(arg, tcs + 20 * i).unwrap_or(0);
                (flags & 0x2 != 0, flags & 0x20 != 0 && flags & 0x40 == 0)
            })
            .collect();
        Some(RowDef { bounds, merged })
    }
}

/// Paragraph properties by stream offset of the paragraph mark, from the PAPX FKPs.
#[derive(Debug, Default)]
pub(super) struct ParaIndex {
    /// (first fc, end fc, grpprl with istd) sorted by fc.
    runs: Vec<(u32, u32, Vec<u8>)>,
}

impl ParaIndex {
    /// Read PlcfBtePapx from the table stream and every FKP page it names from the main stream.
    pub fn read(table: &[u8], word: &[u8], fc: u32, lcb: u32) -> ParaIndex {
        let mut runs = Vec::new();
        let plc = slice(table, fc, lcb);
        // PlcBtePapx: (n + 1) FCs then n 4-byte page numbers.
        let n = plc.len().saturating_sub(4) / 8;
        let mut seen = std::collections::HashSet::new();
        for i in 0..n {
            let Some(pn) = le_u32(plc, 4 * (n + 1) + 4 * i) else {
                break;
            };
            let pn = pn & 0x3F_FFFF;
            if !seen.insert(pn) {
                continue;
            }
            let Some(page) = usize::try_from(pn)
                .ok()
                .and_then(|p| p.checked_mul(512))
                .and_then(|o| word.get(o..o.checked_add(512)?))
            else {
                continue;
            };
            read_fkp(page, &mut runs);
        }
        runs.sort_by_key(|r| r.0);
        ParaIndex { runs }
    }

    /// The grpprl (istd first) of the paragraph whose mark is at stream offset `fc`.
    pub fn grpprl_at(&self, fc: u32) -> Option<&[u8]> {
        let i = self.runs.partition_point(|r| r.0 <= fc).checked_sub(1)?;
        let (start, end, g) = &self.runs[i];
        (*start <= fc && fc < *end).then_some(g.as_slice())
    }
}

fn read_fkp(page: &[u8], runs: &mut Vec<(u32, u32, Vec<u8>)>) {
    let crun = usize::from(page[511]).min(101);
    for i in 0..crun {
        let (Some(start), Some(end)) = (le_u32(page, 4 * i), le_u32(page, 4 * (i + 1))) else {
            break;
        };
        // BxPap: 13 bytes, the first is the word offset of the PapxInFkp.
        let bx = 4 * (crun + 1) + 13 * i;
        let Some(&word_off) = page.get(bx) else { break };
        let grpprl = if word_off == 0 {
            Vec::new()
        } else {
            let at = usize::from(word_off) * 2;
            let Some(&cb) = page.get(at) else { continue };
            let (from, len) = if cb == 0 {
                let Some(&cb2) = page.get(at + 1) else {
                    continue;
                };
                (at + 2, usize::from(cb2) * 2)
            } else {
                (at + 1, usize::from(cb) * 2 - 1)
            };
            page.get(from..(from + len).min(511))
                .unwrap_or_default()
                .to_vec()
        };
        if start < end {
            runs.push((start, end, grpprl));
        }
    }
}

/// Heading level (1-based) of each paragraph style, from the STSH.
#[derive(Debug, Default)]
pub(super) struct Styles {
    /// Per istd: (outline level 0..=8 when a heading, istdBase).
    styles: Vec<(Option<u8>, u16)>,
}

impl Styles {
    pub fn read(table: &[u8], fc: u32, lcb: u32) -> Styles {
        let stsh = slice(table, fc, lcb);
        let Some(cb_stshi) = le_u16(stsh, 0).map(usize::from) else {
            return Styles::default();
        };
        let cstd = le_u16(stsh, 2).unwrap_or(0).min(4096);
        let cb_base = usize::from(le_u16(stsh, 4).unwrap_or(10));
        let mut pos = 2 + cb_stshi;
        let mut styles = Vec::with_capacity(usize::from(cstd));
        for _ in 0..cstd {
            let Some(cb) = le_u16(stsh, pos).map(usize::from) else {
                break;
            };
            let std = stsh.get(pos + 2..pos + 2 + cb).unwrap_or_default();
            pos += 2 + cb;
            styles.push(parse_std(std, cb_base));
        }
        Styles { styles }
    }

    /// Heading level 1..=9 of the style `istd`, following basedOn for an outline level.
    pub fn heading_level(&self, istd: u16) -> Option<u8> {
        let mut at = istd;
        for _ in 0..12 {
            let (level, base) = *self.styles.get(usize::from(at))?;
            if let Some(l) = level {
                return Some(l + 1);
            }
            if base == 0x0FFF || base == at {
                return None;
            }
            at = base;
        }
        None
    }
}

/// One STD: (outline level, istdBase).
fn parse_std(std: &[u8], cb_base: usize) -> (Option<u8>, u16) {
    let (Some(w0), Some(w1)) = (le_u16(std, 0), le_u16(std, 2)) else {
        return (None, 0x0FFF);
    };
    let sti = w0 & 0x0FFF;
    let stk = w1 & 0x000F;
    let base = w1 >> 4;
    if stk != 1 {
        return (None, 0x0FFF);
    }
    // Built-in heading 1..9 (sti 1..=9) whatever the display language.
    let mut level = (1..=9).contains(&sti).then(|| (sti - 1) as u8);
    // Name: Xstz at cbSTDBaseInFile; its UpxPapx follows on an even offset.
    let name_at = cb_base;
    let cch = usize::from(le_u16(std, name_at).unwrap_or(0)).min(256);
    let name: String = char::decode_utf16((0..cch).map_while(|i| le_u16(std, name_at + 2 + 2 * i)))
        .map(|c| c.unwrap_or('\u{FFFD}'))
        .collect();
    if level.is_none() {
        level = heading_from_name(&name);
    }
    let mut upx = name_at + 2 + 2 * cch + 2;
    upx += upx % 2;
    if let Some(cb) = le_u16(std, upx).map(usize::from)
        && let Some(papx) = std.get(upx + 2..upx + 2 + cb)
    {
        let mut p = Para::default();
        p.apply(papx.get(2..).unwrap_or_default());
        if p.outline.is_some() {
            level = p.outline;
        }
    }
    (level, base)
}

/// "heading 2", "Заголовок 2" → Some(1).
fn heading_from_name(name: &str) -> Option<u8> {
    let lower = name.to_lowercase();
    let rest = lower
        .strip_prefix("heading")
        .or_else(|| lower.strip_prefix("заголовок"))?;
    let n: u8 = rest.trim().parse().ok()?;
    (1..=9).contains(&n).then(|| n - 1)
}

/// `data[fc..fc + lcb]`, empty when out of range.
pub(super) fn slice(data: &[u8], fc: u32, lcb: u32) -> &[u8] {
    let (Ok(fc), Ok(lcb)) = (usize::try_from(fc), usize::try_from(lcb)) else {
        return &[];
    };
    fc.checked_add(lcb)
        .and_then(|end| data.get(fc..end))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sprms_walk_fixed_and_variable_operands() {
        // sprmPFInTable 1, sprmPItap 2, a variable sprm of 3 bytes, sprmPOutLvl 1.
        let g = [
            0x16, 0x24, 0x01, 0x49, 0x66, 0x02, 0, 0, 0, 0x15, 0xC6, 0x03, 9, 9, 9, 0x40, 0x26,
            0x01,
        ];
        let mut p = Para::default();
        p.apply(&g);
        assert!(p.in_table);
        assert_eq!(p.itap, 2);
        assert_eq!(p.outline, Some(1));
        assert_eq!(p.depth(), 2);
        // Truncated sprm: iteration stops, no panic.
        assert_eq!(Sprms::new(&[0x49, 0x66, 0x02]).count(), 0);
    }

    #[test]
    fn heading_names_in_both_languages() {
        assert_eq!(heading_from_name("heading 3"), Some(2));
        assert_eq!(heading_from_name("Заголовок 1"), Some(0));
        assert_eq!(heading_from_name("Заголовок таблицы"), None);
        assert_eq!(heading_from_name("heading 12"), None);
    }

    #[test]
    fn fkp_runs_and_lookup() {
        let mut page = vec![0u8; 512];
        // Two runs: [100, 200) with a grpprl (sprmPFInTable), [200, 300) with none.
        page[0..4].copy_from_slice(&100u32.to_le_bytes());
        page[4..8].copy_from_slice(&200u32.to_le_bytes());
        page[8..12].copy_from_slice(&300u32.to_le_bytes());
        page[12] = 100; // BxPap 0 → PapxInFkp at byte 200
        page[25] = 0;
        page[200] = 3; // cb 3 → 5 bytes: istd 2 bytes + sprm 3 bytes
        page[201..206].copy_from_slice(&[0x05, 0x00, 0x16, 0x24, 0x01]);
        page[511] = 2;
        let mut runs = Vec::new();
        read_fkp(&page, &mut runs);
        let index = ParaIndex { runs };
        let g = index.grpprl_at(150).expect("run");
        assert_eq!(le_u16(g, 0), Some(5));
        let mut p = Para::default();
        p.apply(&g[2..]);
        assert!(p.in_table);
        assert_eq!(index.grpprl_at(250), Some(&[][..]));
        assert_eq!(index.grpprl_at(300), None);
        assert_eq!(index.grpprl_at(50), None);
    }
}
