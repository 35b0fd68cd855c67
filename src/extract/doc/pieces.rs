//! The piece table ([MS-DOC] 2.9.38 Clx, 2.9.177 PlcPcd): which bytes of the WordDocument
//! stream hold each range of character positions, 8-bit («compressed») or UTF-16.

use super::{le_u16, le_u32};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Piece {
    pub cp_start: u32,
    pub cp_end: u32,
    /// Byte offset of the piece's first character in the WordDocument stream.
    pub offset: u32,
    /// One byte per character in the 8-bit code page.
    pub compressed: bool,
    /// Index into `PieceTable::grpprls` when the piece carries property modifiers (Prm1).
    pub prc: Option<usize>,
}

#[derive(Debug, Default)]
pub(super) struct PieceTable {
    pub pieces: Vec<Piece>,
    /// grpprls of the Prc entries, referenced by pieces.
    pub grpprls: Vec<Vec<u8>>,
}

impl PieceTable {
    /// Parse the Clx: any number of Prc (0x01) then one Pcdt (0x02). `eight_bit`: every piece
    /// is 8-bit text at a plain byte offset (Word 6/95, which has no UTF-16 pieces).
    pub fn parse(clx: &[u8], eight_bit: bool) -> Result<PieceTable> {
        let mut grpprls = Vec::new();
        let mut pos = 0usize;
        loop {
            match clx.get(pos) {
                Some(0x01) => {
                    let cb = usize::from(le_u16(clx, pos + 1).ok_or_else(bad)?);
                    let g = clx.get(pos + 3..pos + 3 + cb).ok_or_else(bad)?;
                    grpprls.push(g.to_vec());
                    pos += 3 + cb;
                }
                Some(0x02) => break,
                _ => return Err(bad()),
            }
        }
        let lcb = usize::try_from(le_u32(clx, pos + 1).ok_or_else(bad)?).map_err(|_| bad())?;
        let plc = clx
            .get(pos + 5..pos.saturating_add(5).saturating_add(lcb))
            .ok_or_else(bad)?;
        // PlcPcd: (n + 1) CPs, n Pcd of 8 bytes.
        let n = plc.len().saturating_sub(4) / 12;
        if n == 0 {
            return Err(bad());
        }
        let mut pieces = Vec::with_capacity(n);
        for i in 0..n {
            let cp_start = le_u32(plc, 4 * i).ok_or_else(bad)?;
            let cp_end = le_u32(plc, 4 * (i + 1)).ok_or_else(bad)?;
            let pcd = 4 * (n + 1) + 8 * i;
            let fc = le_u32(plc, pcd + 2).ok_or_else(bad)?;
            let prm = le_u16(plc, pcd + 6).ok_or_else(bad)?;
            if cp_end < cp_start {
                return Err(bad());
            }
            let (offset, compressed) = if eight_bit {
                (fc, true)
            } else if fc & 0x4000_0000 != 0 {
                ((fc & 0x3FFF_FFFF) / 2, true)
            } else {
                (fc, false)
            };
            pieces.push(Piece {
                cp_start,
                cp_end,
                offset,
                compressed,
                prc: (prm & 1 == 1).then(|| usize::from(prm >> 1)),
            });
        }
        Ok(PieceTable { pieces, grpprls })
    }

    /// One piece covering `[0, ccp)` of contiguous 8-bit text at `offset` (Word 6/95 files
    /// saved without fast save).
    pub fn contiguous(offset: u32, ccp: u32) -> PieceTable {
        PieceTable {
            pieces: vec![Piece {
                cp_start: 0,
                cp_end: ccp,
                offset,
                compressed: true,
                prc: None,
            }],
            grpprls: Vec::new(),
        }
    }

    /// Decode the characters with CP in `[from, to)`: each with its stream offset and piece.
    /// `single_byte` maps 8-bit pieces to Unicode. Stops at the first byte outside `word`.
    pub fn chars(
        &self,
        word: &[u8],
        from: u32,
        to: u32,
        single_byte: &[char; 256],
        out: &mut Vec<Char>,
    ) {
        for (pi, p) in self.pieces.iter().enumerate() {
            let start = p.cp_start.max(from);
            let end = p.cp_end.min(to);
            let mut cp = start;
            while cp < end {
                let k = cp - p.cp_start;
                if p.compressed {
                    let Some(at) = p.offset.checked_add(k) else {
                        return;
                    };
                    let Some(&b) = word.get(at as usize) else {
                        return;
                    };
                    out.push(Char {
                        c: single_byte[usize::from(b)],
                        fc: at,
                        piece: pi,
                    });
                    cp += 1;
                } else {
                    let Some(at) = k.checked_mul(2).and_then(|o| p.offset.checked_add(o)) else {
                        return;
                    };
                    let Some(u) = le_u16(word, at as usize) else {
                        return;
                    };
                    let c = match u {
                        0xD800..=0xDBFF => {
                            let low = if cp + 1 < end {
                                le_u16(word, at as usize + 2)
                            } else {
                                None
                            };
                            match low {
                                Some(l @ 0xDC00..=0xDFFF) => {
                                    cp += 1;
                                    let v = 0x10000
                                        + ((u32::from(u) - 0xD800) << 10)
                                        + (u32::from(l) - 0xDC00);
                                    char::from_u32(v).unwrap_or('\u{FFFD}')
                                }
                                _ => '\u{FFFD}',
                            }
                        }
                        0xDC00..=0xDFFF => '\u{FFFD}',
                        _ => char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}'),
                    };
                    out.push(Char {
                        c,
                        fc: at,
                        piece: pi,
                    });
                    cp += 1;
                }
            }
        }
    }
}

/// One decoded character of a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Char {
    pub c: char,
    /// Byte offset in the WordDocument stream (what the PAPX FKPs are keyed by).
    pub fc: u32,
    pub piece: usize,
}

fn bad() -> Error {
    Error::Corrupt("таблица фрагментов текста (CLX) документа Word повреждена".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latin1() -> [char; 256] {
        std::array::from_fn(|i| char::from(i as u8))
    }

    #[test]
    fn mixed_pieces_decode_in_cp_order() {
        // Stream: "AB" compressed at 0; "Жx" UTF-16 at 4.
        let word = [b'A', b'B', 0, 0, 0x16, 0x04, b'x', 0];
        let mut clx = vec![0x01, 0x02, 0x00, 0xAA, 0xBB, 0x02];
        let mut plc = Vec::new();
        for cp in [0u32, 2, 4] {
            plc.extend_from_slice(&cp.to_le_bytes());
        }
        for (fc, prm) in [(0x4000_0000u32, 0x0001u16), (4, 0)] {
            plc.extend_from_slice(&[0, 0]);
            plc.extend_from_slice(&fc.to_le_bytes());
            plc.extend_from_slice(&prm.to_le_bytes());
        }
        clx.extend_from_slice(&(plc.len() as u32).to_le_bytes());
        clx.extend_from_slice(&plc);
        let t = PieceTable::parse(&clx, false).expect("clx");
        assert_eq!(t.grpprls, vec![vec![0xAA, 0xBB]]);
        assert_eq!(t.pieces[0].prc, Some(0));
        let mut out = Vec::new();
        t.chars(&word, 0, 4, &latin1(), &mut out);
        let s: String = out.iter().map(|c| c.c).collect();
        assert_eq!(s, "ABЖx");
        assert_eq!(out[2].fc, 4);
        assert_eq!(out[3].piece, 1);
        // A range past the stream stops quietly.
        let mut out = Vec::new();
        t.chars(&word[..5], 0, 4, &latin1(), &mut out);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn damaged_clx_is_corrupt() {
        assert!(PieceTable::parse(&[0x07], false).is_err());
        assert!(PieceTable::parse(&[0x01, 0xFF, 0xFF], false).is_err());
        assert!(PieceTable::parse(&[0x02, 0xFF, 0xFF, 0xFF, 0x7F], false).is_err());
    }
}
