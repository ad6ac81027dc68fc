const _: &[u8] = ::core::include_bytes!("$DIR/small.toml");
::cio::__private::enumeration! {
    #[doc = " The enum `plan` of events.toml."] Plan[] [] [] = "plan" { Free = "free",
    Pro = "pro", }
}
::cio::__private::enumeration! {
    #[doc = " The values of `signed_up.method` in events.toml."] SignedUpMethod[] [] [] =
    "signed_up.method" { Google = "google", Email = "email", }
}
::cio::__private::record! {
    #[doc =
    " A user created an account.\n\n The event `signed_up` of events.toml.\n\n Triggers the campaign(s) `onboarding`."]
    SignedUp[] [] [] : Event "signed_up"["method"] { #[doc =
    " `method: { enum = [google, email] }` in events.toml.\n\n Read by campaign Liquid as `{{ event.method }}`."]
    method "method" req(SignedUpMethod) => field_enum; #[doc =
    " `plan: plan` in events.toml."] plan "plan" req(Plan) => field_enum; #[doc =
    " `referrer: url?` in events.toml."] referrer "referrer" opt(url) => field_url; #[doc
    = " `at: timestamp?` in events.toml."] at "at" opt(timestamp) => field_timestamp; }
}
::cio::__private::record! {
    #[doc =
    " A customer profile as created by `identify`: the attributes of `[profile]`\n in events.toml, those required at creation as plain fields."]
    Profile[] [] [] : Attributes { #[doc =
    " `email: email` in events.toml.\n\n Personal data (`pii = true`): `Debug` prints `\"<redacted>\"`."]
    email "email" req(email) # pii => field_email; #[doc =
    " `nickname: string?` in events.toml."] nickname "nickname" opt(string) => field_text
    max_length = 40; #[doc = " `created_at: timestamp?` in events.toml."] created_at
    "created_at" opt(timestamp) => field_timestamp; }
}
impl Profile {
    /// A profile with the attributes required at creation (`email`); the others are `None`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(email: ::cio::__private::ty!(email)) -> Self {
        #[allow(deprecated)]
        Profile {
            email,
            nickname: ::core::option::Option::None,
            created_at: ::core::option::Option::None,
        }
    }
}
::cio::__private::record! {
    #[doc =
    " A change to a customer profile: any attributes of `[profile]`, each set\n alone; unset ones are not sent."]
    #[derive(::core::default::Default)] ProfileUpdate[] [] [] : Attributes { #[doc =
    " `email: email` in events.toml.\n\n Personal data (`pii = true`): `Debug` prints `\"<redacted>\"`."]
    email "email" opt(email) # pii => field_email; #[doc =
    " `nickname: string?` in events.toml."] nickname "nickname" opt(string) => field_text
    max_length = 40; #[doc = " `created_at: timestamp?` in events.toml."] created_at
    "created_at" opt(timestamp) => field_timestamp; }
}
impl ProfileUpdate {
    /// An update that sets nothing yet.
    pub fn new() -> Self {
        <Self as ::core::default::Default>::default()
    }
    /// Sets `email`.
    #[must_use]
    pub fn email(
        mut self,
        value: impl ::core::convert::Into<::cio::__private::ty!(email)>,
    ) -> Self {
        #[allow(deprecated)]
        {
            self.email = ::core::option::Option::Some(value.into());
        }
        self
    }
    /// Sets `nickname`.
    #[must_use]
    pub fn nickname(
        mut self,
        value: impl ::core::convert::Into<::cio::__private::ty!(string)>,
    ) -> Self {
        #[allow(deprecated)]
        {
            self.nickname = ::core::option::Option::Some(value.into());
        }
        self
    }
    /// Sets `created_at`.
    #[must_use]
    pub fn created_at(
        mut self,
        value: impl ::core::convert::Into<::cio::__private::ty!(timestamp)>,
    ) -> Self {
        #[allow(deprecated)]
        {
            self.created_at = ::core::option::Option::Some(value.into());
        }
        self
    }
}
/// What events.toml declares, as data: for tools, tests and dashboards.
pub mod taxonomy {
    /// Every event name, in declaration order.
    pub const EVENTS: &[&str] = &["signed_up"];
    /// Every profile attribute, in declaration order.
    pub const ATTRIBUTES: &[&str] = &["email", "nickname", "created_at"];
    /// Per event, the data fields its campaigns' Liquid reads (always sent).
    pub const LIQUID_VARIABLES: &[(&str, &[&str])] = &[("signed_up", &["method"])];
    /// Every campaign: its name, its trigger event (or `relationship_added:TYPE` for a campaign a relationship to an object of the type triggers), and the messages it sends.
    pub const CAMPAIGNS: &[(&str, &str, &[&str])] = &[
        ("onboarding", "signed_up", &["welcome"]),
    ];
    /// Every message name.
    pub const MESSAGES: &[&str] = &["welcome"];
    /// Every object type: its name and its `object_type_id`, in declaration order.
    pub const OBJECT_TYPES: &[(&str, u64)] = &[];
    /// Every subscription topic: its name and its id, in declaration order.
    pub const TOPICS: &[(&str, u64)] = &[];
    /// The fields typed `timestamp`, as paths: `customer.NAME` for a profile attribute, `EVENT.NAME` for an event's data field, `objects.TYPE.NAME` for an object's attribute (for `EmulatorBuilder::timestamps`: the inbox shows them as dates).
    pub const TIMESTAMPS: &[&str] = &["customer.created_at", "signed_up.at"];
    /// The campaigns and messages of events.toml as data: what a journey `Simulation` runs.
    pub static JOURNEYS: ::cio::__private::journey::Journeys = {
        use ::cio::__private::journey::*;
        Journeys {
            campaigns: &[
                Campaign {
                    name: "onboarding",
                    trigger: "signed_up",
                    steps: &[Send("welcome")],
                },
            ],
            messages: &[
                Message {
                    name: "welcome",
                    channel: Email,
                    subject: ::core::option::Option::None,
                    body: "You signed up with {{ event.method }}.",
                },
            ],
        }
    };
    /// The templates of every transactional message and broadcast: what an emulator renders their sends with.
    pub const APP_MESSAGES: &[::cio::__private::AppTemplate] = &[];
}
