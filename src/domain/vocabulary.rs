//! The closed vocabularies of the job (severity, class, area, ...), each with a stable
//! key used in storage, JSON and the CLI, plus the words an engineer may type for it.

/// Declares an enum whose values have a stable snake_case key and accepted aliases
/// (the Chinese term, the archive grade), with `FromStr`, `Display` and serde by key.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $key:literal $(| $alias:literal)*,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant,)+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable key stored in events and printed in JSON.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key,)+ }
            }

            /// The keys, for "expected one of" messages.
            pub fn keys() -> String {
                Self::ALL.iter().map(|v| v.key()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::UnknownTerm;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let wanted = text.trim();
                $(
                    if wanted.eq_ignore_ascii_case($key) $(|| wanted.eq_ignore_ascii_case($alias))* {
                        return Ok($name::$variant);
                    }
                )+
                Err($crate::domain::UnknownTerm {
                    what: stringify!($name),
                    given: text.to_string(),
                    expected: Self::keys(),
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.key())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// A word that is not in one of the vocabularies.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} \"{given}\" (expected one of: {expected})")]
pub struct UnknownTerm {
    pub what: &'static str,
    pub given: String,
    pub expected: String,
}

vocabulary! {
    /// Fault severity of the contract (一般 / 严重 / 特别严重); the archive grades
    /// the same idea III / II / I.
    Severity {
        Ordinary => "ordinary" | "一般" | "III",
        Serious => "serious" | "严重" | "II",
        Critical => "critical" | "特别严重" | "I",
    }
}

vocabulary! {
    /// Event class (攻击类 / 故障类 / 灾害类).
    EventClass {
        Fault => "fault" | "故障类" | "故障",
        Attack => "attack" | "攻击类" | "攻击",
        Disaster => "disaster" | "灾害类" | "灾害",
    }
}

vocabulary! {
    /// The fault area of the fault report form (故障所属).
    FaultArea {
        System => "system" | "系统故障" | "系统",
        Database => "database" | "数据库系统故障" | "数据库",
        NetworkDevice => "network_device" | "网络设备故障" | "网络设备" | "network",
        OtherApplication => "other_application" | "其它应用软件系统故障" | "其它应用软件" | "application",
    }
}

vocabulary! {
    /// Where an incident came from.
    Source {
        Operator => "operator",
        Probe => "probe",
        Alertmanager => "alertmanager",
        Zabbix => "zabbix",
    }
}

vocabulary! {
    /// The lifecycle state of an incident.
    State {
        Open => "open",
        Acknowledged => "acknowledged",
        OnSite => "on_site",
        Resolved => "resolved",
        Reported => "reported",
        Closed => "closed",
    }
}

vocabulary! {
    /// Why a resolution clock is paused.
    PauseReason {
        Vendor => "vendor" | "厂商",
        SpareParts => "spare_parts" | "parts" | "备件",
        User => "user" | "用户",
    }
}

vocabulary! {
    /// Whom an escalation call went to.
    CallTarget {
        DutyLead => "duty_lead" | "lead" | "值班负责人",
        Vendor => "vendor" | "厂商",
        Leadership => "leadership" | "中心领导",
        SecurityGroup => "security_group" | "security" | "安全领导小组",
    }
}

vocabulary! {
    /// An operator's role on the site: leads may close incidents and decide on paused work.
    Role {
        Operator => "operator" | "值班人员",
        Lead => "lead" | "负责人",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_chinese_terms_and_grades() {
        assert_eq!("critical".parse::<Severity>(), Ok(Severity::Critical));
        assert_eq!("特别严重".parse::<Severity>(), Ok(Severity::Critical));
        assert_eq!("II".parse::<Severity>(), Ok(Severity::Serious));
        assert_eq!("Ordinary".parse::<Severity>(), Ok(Severity::Ordinary));
        assert_eq!("网络设备".parse::<FaultArea>(), Ok(FaultArea::NetworkDevice));
    }

    #[test]
    fn unknown_word_lists_the_choices() {
        let err = "urgent".parse::<Severity>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown Severity \"urgent\" (expected one of: ordinary, serious, critical)"
        );
    }

    #[test]
    fn serde_uses_the_key() {
        assert_eq!(serde_json::to_string(&State::OnSite).unwrap(), "\"on_site\"");
        let back: State = serde_json::from_str("\"on_site\"").unwrap();
        assert_eq!(back, State::OnSite);
    }
}
