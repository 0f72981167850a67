//! Small pieces drawn on several screens.

pub mod banner;
pub mod countdown;
pub mod status_line;
