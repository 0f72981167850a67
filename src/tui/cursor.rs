//! The one list cursor: a position kept inside its list, moved by the argument of a
//! movement action (`move -1`, `page 1`, `top`, `bottom`).

/// How far a movement action goes: the argument of `Action::Move`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Move {
    /// This many rows (negative: up).
    By(i32),
    /// This many pages (negative: up).
    Pages(i32),
    Top,
    Bottom,
}

impl Move {
    /// Reads a keymap's argument form: `move -3`, `move 2`, `page -1`.
    pub fn parse(text: &str) -> Option<Move> {
        let (verb, count) = text.trim().split_once(' ')?;
        let count: i32 = count.trim().parse().ok()?;
        match verb {
            "move" => Some(Move::By(count)),
            "page" => Some(Move::Pages(count)),
            _ => None,
        }
    }

    /// Where a position goes within `0..=last`, a page being `page` rows.
    pub fn apply(self, at: usize, last: usize, page: usize) -> usize {
        let by = |rows: i64| (at as i64 + rows).clamp(0, last as i64) as usize;
        match self {
            Move::By(n) => by(i64::from(n)),
            Move::Pages(n) => by(i64::from(n) * page as i64),
            Move::Top => 0,
            Move::Bottom => last,
        }
    }
}

/// Rows a page moves.
pub const PAGE: usize = 10;

/// A position in a list, never past its end (the list may shrink under it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor(usize);

impl Cursor {
    /// The position within a list of `len` items.
    pub fn at(self, len: usize) -> usize {
        self.0.min(len.saturating_sub(1))
    }

    pub fn set(&mut self, at: usize) {
        self.0 = at;
    }

    /// Moves within a list of `len` items.
    pub fn go(&mut self, movement: Move, len: usize) {
        self.0 = movement.apply(self.at(len), len.saturating_sub(1), PAGE);
    }

    /// Moves a scroll offset whose end the drawing knows (it clamps when drawn).
    pub fn scroll(&mut self, movement: Move) {
        self.0 = movement.apply(self.0, u16::MAX as usize, PAGE);
    }

    /// The scroll offset, for a widget that takes `u16`.
    pub fn offset(self, max: u16) -> u16 {
        (self.0.min(u16::MAX as usize) as u16).min(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stay_inside_the_list() {
        let mut cursor = Cursor::default();
        cursor.go(Move::By(-1), 5);
        assert_eq!(cursor.at(5), 0);
        cursor.go(Move::By(3), 5);
        assert_eq!(cursor.at(5), 3);
        cursor.go(Move::Pages(1), 5);
        assert_eq!(cursor.at(5), 4);
        cursor.go(Move::Top, 5);
        assert_eq!(cursor.at(5), 0);
        cursor.go(Move::Bottom, 5);
        assert_eq!(cursor.at(3), 2, "a list that shrank keeps the cursor on its last row");
        cursor.go(Move::By(-1), 0);
        assert_eq!(cursor.at(0), 0);
    }

    #[test]
    fn keymap_arguments_are_read() {
        assert_eq!(Move::parse("move -3"), Some(Move::By(-3)));
        assert_eq!(Move::parse("page 2"), Some(Move::Pages(2)));
        assert_eq!(Move::parse("move x"), None);
        assert_eq!(Move::parse("jump 1"), None);
    }
}
