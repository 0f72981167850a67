//! Every text a user reads, in Simplified Chinese and English side by side.
//!
//! Chinese is chosen when the site config says so, else when the locale says zh
//! (`LC_ALL`, `LC_MESSAGES`, `LANG`, first one set wins).

pub mod duty;
mod messages;
mod terms;
pub mod ui;

pub use messages::*;
pub use terms::*;

/// The language of what the user reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The language the locale environment asks for.
    pub fn from_locale() -> Lang {
        Self::from_locale_vars(|name| std::env::var(name).ok())
    }

    /// As `from_locale`, with the environment passed in (for tests).
    pub fn from_locale_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(get)
            .find(|value| !value.is_empty())
            .unwrap_or_default();
        if locale.to_ascii_lowercase().starts_with("zh") { Lang::Zh } else { Lang::En }
    }

    /// The language's code, as `--lang` takes it (and report files are named).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// Picks the text for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh_cn" | "zh-cn" | "中文" => Ok(Lang::Zh),
            "en" | "en_us" | "en-us" | "english" => Ok(Lang::En),
            other => Err(format!("unknown language \"{other}\" (expected zh or en)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_order_and_zh_detection() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        assert_eq!(Lang::from_locale_vars(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(Lang::from_locale_vars(env(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "C")])), Lang::En);
        assert_eq!(Lang::from_locale_vars(env(&[("LC_ALL", ""), ("LANG", "zh_TW")])), Lang::Zh);
        assert_eq!(Lang::from_locale_vars(env(&[])), Lang::En);
    }
}
