const _: &[u8] = ::core::include_bytes!("$DIR/objects.toml");
::cio::__private::enumeration! {
    #[doc = " The enum `tier` of events.toml."] Tier[] [] [] = "tier" { Free = "free",
    Growth = "growth", Enterprise = "enterprise", }
}
::cio::__private::record! {
    #[doc =
    " A customer profile as created by `identify`: the attributes of `[profile]`\n in events.toml, those required at creation as plain fields."]
    Profile[] [] [] : Attributes {}
}
impl Profile {
    /// A profile with the attributes required at creation (none); the others are `None`.
    #[allow(clippy::too_many_arguments)]
    pub fn new() -> Self {
        #[allow(deprecated)] Profile {}
    }
}
::cio::__private::record! {
    #[doc =
    " A change to a customer profile: any attributes of `[profile]`, each set\n alone; unset ones are not sent."]
    #[derive(::core::default::Default)] ProfileUpdate[] [] [] : Attributes {}
}
impl ProfileUpdate {
    /// An update that sets nothing yet.
    pub fn new() -> Self {
        <Self as ::core::default::Default>::default()
    }
}
::cio::__private::record! {
    #[doc =
    " The transactional message `new_follower` of events.toml.\n\n Send it with `AppClient::send`; its templates read each field as `{{ trigger.FIELD }}`."]
    NewFollower[] [] [] : MessageData { #[doc = " `follower: string` in events.toml."]
    follower "follower" req(string) => field_text; }
}
::cio::__private::app_message! {
    transactional NewFollower = "new_follower" id = Name("new_follower"), channel = InApp
}
::cio::__private::record! {
    #[doc =
    " The transactional message `weekly_digest` of events.toml.\n\n Send it with `AppClient::send`; its templates read each field as `{{ trigger.FIELD }}`."]
    WeeklyDigest[] [] [] : MessageData {}
}
::cio::__private::app_message! {
    transactional WeeklyDigest = "weekly_digest" id = Number(31), channel = Inbox
}
::cio::__private::enumeration! {
    #[doc = " The values of `objects.company.region` in events.toml."] CompanyRegion[] []
    [] = "objects.company.region" { Eu = "eu", Us = "us", }
}
::cio::__private::record! {
    #[doc =
    " A customer's company account.\n\n The object type `company` of events.toml (`object_type_id` 1): its attributes.\n\n A person's relationship to one carries a [`CompanyRelationship`].\n\n A relationship to one triggers the campaign(s) `team_welcome`; their Liquid reads each attribute as `{{ trigger.company.NAME }}`."]
    Company[] [] [] : ObjectType with { const NAME : &'static str = "company"; const
    TYPE_ID : ::core::primitive::u64 = 1; } { #[doc = " `name: string` in events.toml."]
    name "name" req(string) => field_text; #[doc = " `tier: tier` in events.toml."] tier
    "tier" req(Tier) => field_enum; #[doc = " `seats: int` in events.toml."] seats
    "seats" req(int) => field_int min = 1.0; #[doc =
    " `domain: string?` in events.toml."] domain "domain" opt(string) => field_text;
    #[doc = " `region: { enum = [eu, us] }` in events.toml."] region "region"
    req(CompanyRegion) => field_enum; }
}
::cio::__private::record! {
    #[doc =
    " A person's relationship to a [`Company`] (object type `company` of events.toml): the attributes of its `relationship`, read by Liquid as `{{ trigger.relationship.NAME }}`."]
    CompanyRelationship[] [] [] : Relationship with { const OBJECT : &'static str =
    "company"; const OBJECT_TYPE_ID : ::core::primitive::u64 = 1; } { #[doc =
    " `role: string?` in events.toml."] role "role" opt(string) => field_text; #[doc =
    " `invited_by: string?` in events.toml."] invited_by "invited_by" opt(string) =>
    field_text; }
}
/// The subscription-center topics of events.toml (`[topics]`), each with its id.
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::marker::Copy,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::hash::Hash
)]
pub enum Topic {
    /// The topic `product_updates` (id 1).
    ProductUpdates,
    /** The monthly newsletter.

 The topic `newsletter` (id 2).*/
    Newsletter,
}
impl Topic {
    /// Every topic, in declaration order.
    pub const ALL: [Self; 2] = [Self::ProductUpdates, Self::Newsletter];
    /// Its id in Customer.io's subscription center.
    pub const fn id(self) -> ::core::primitive::u64 {
        match self {
            Self::ProductUpdates => 1,
            Self::Newsletter => 2,
        }
    }
    /// Its name in events.toml.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ProductUpdates => "product_updates",
            Self::Newsletter => "newsletter",
        }
    }
}
const _: () = {
    #[automatically_derived]
    impl ::cio::__private::SubscriptionTopic for Topic {
        const ALL: &'static [Self] = &Topic::ALL;
        fn id(self) -> ::core::primitive::u64 {
            Topic::id(self)
        }
        fn name(self) -> &'static str {
            Topic::as_str(self)
        }
    }
};
/// What events.toml declares, as data: for tools, tests and dashboards.
pub mod taxonomy {
    /// Every event name, in declaration order.
    pub const EVENTS: &[&str] = &[];
    /// Every profile attribute, in declaration order.
    pub const ATTRIBUTES: &[&str] = &[];
    /// Per event, the data fields its campaigns' Liquid reads (always sent).
    pub const LIQUID_VARIABLES: &[(&str, &[&str])] = &[];
    /// Every campaign: its name, its trigger event (or `relationship_added:TYPE` for a campaign a relationship to an object of the type triggers), and the messages it sends.
    pub const CAMPAIGNS: &[(&str, &str, &[&str])] = &[
        ("team_welcome", "relationship_added:company", &["team_welcome"]),
    ];
    /// Every message name.
    pub const MESSAGES: &[&str] = &["team_welcome"];
    /// Every object type: its name and its `object_type_id`, in declaration order.
    pub const OBJECT_TYPES: &[(&str, u64)] = &[("company", 1)];
    /// Every subscription topic: its name and its id, in declaration order.
    pub const TOPICS: &[(&str, u64)] = &[("product_updates", 1), ("newsletter", 2)];
    /// The fields typed `timestamp`, as paths: `customer.NAME` for a profile attribute, `EVENT.NAME` for an event's data field, `objects.TYPE.NAME` for an object's attribute (for `EmulatorBuilder::timestamps`: the inbox shows them as dates).
    pub const TIMESTAMPS: &[&str] = &[];
    /// The campaigns and messages of events.toml as data: what a journey `Simulation` runs.
    pub static JOURNEYS: ::cio::__private::journey::Journeys = {
        use ::cio::__private::journey::*;
        Journeys {
            campaigns: &[
                Campaign {
                    name: "team_welcome",
                    trigger: "relationship_added:company",
                    steps: &[Send("team_welcome")],
                },
            ],
            messages: &[
                Message {
                    name: "team_welcome",
                    channel: Email,
                    subject: ::core::option::Option::Some(
                        "Welcome to {{ trigger.company.name }}",
                    ),
                    body: "You joined as {{ trigger.relationship.role | default: 'member' }}.",
                },
            ],
        }
    };
    /// The templates of every transactional message and broadcast: what an emulator renders their sends with.
    pub const APP_MESSAGES: &[::cio::__private::AppTemplate] = &[
        ::cio::__private::AppTemplate {
            name: "new_follower",
            target: ::cio::__private::AppTarget::Transactional(
                ::cio::__private::TransactionalId::Name("new_follower"),
                ::cio::__private::MessageChannel::InApp,
            ),
            subject: ::core::option::Option::None,
            body: ::core::option::Option::Some("{{ trigger.follower }} follows you"),
        },
        ::cio::__private::AppTemplate {
            name: "weekly_digest",
            target: ::cio::__private::AppTarget::Transactional(
                ::cio::__private::TransactionalId::Number(31),
                ::cio::__private::MessageChannel::Inbox,
            ),
            subject: ::core::option::Option::None,
            body: ::core::option::Option::Some("Your week"),
        },
    ];
}
