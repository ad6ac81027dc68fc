// The object types, relationships, topics and in-app/inbox messages of
// `taxonomy!()`, and the `Object` and `Relationship` derives.
use cio::{MessageChannel, Object, Relationship, SubscriptionTopic, TransactionalMessage};

mod plan {
    cio::taxonomy!("fixtures/company.toml");
}

use plan::{Company, CompanyRegion, CompanyRelationship, NewFollower, Tier, Topic, WeeklyDigest};

#[derive(cio::Enum)]
#[cio(taxonomy = "fixtures/company.toml", name = "objects.company.region")]
enum Region {
    Eu,
    Us,
}

#[derive(cio::Object)]
#[cio(taxonomy = "fixtures/company.toml", name = "company")]
struct Account<'a> {
    name: &'a str,
    tier: plan::Tier,
    seats: u16,
    #[cio(rename = "domain")]
    website: Option<String>,
    region: Region,
    #[cio(skip)]
    #[allow(dead_code)]
    cached: bool,
}

#[derive(cio::Relationship)]
#[cio(taxonomy = "fixtures/company.toml", name = "company")]
struct Membership {
    role: Option<String>,
}

mod app {
    // The object type named by the struct's name, less `Relationship`.
    #[derive(cio::Relationship)]
    #[cio(taxonomy = "fixtures/company.toml")]
    pub struct CompanyRelationship {}
}

fn type_id<O: Object>(_: &O) -> u64 {
    O::TYPE_ID
}

fn topic_ids<T: SubscriptionTopic>() -> Vec<(&'static str, u64)> {
    T::ALL.iter().map(|t| (t.name(), t.id())).collect()
}

fn main() {
    let company = Company {
        name: "Acme".into(),
        tier: Tier::Growth,
        seats: 12,
        domain: None,
        region: CompanyRegion::Eu,
    };
    assert_eq!(type_id(&company), 1);
    assert_eq!(<Company as Object>::NAME, "company");
    assert!(Object::validate(&company).is_ok());
    let too_few = Company { seats: 0, ..company.clone() };
    assert!(Object::validate(&too_few).is_err());
    let relationship = CompanyRelationship {
        role: Some("admin".into()),
        invited_by: None,
    };
    assert_eq!(<CompanyRelationship as Relationship>::OBJECT_TYPE_ID, 1);
    assert!(Relationship::validate(&relationship).is_ok());

    assert_eq!(Topic::ProductUpdates.id(), 1);
    assert_eq!(Topic::Newsletter.as_str(), "newsletter");
    assert_eq!(
        topic_ids::<Topic>(),
        [("product_updates", 1), ("newsletter", 2)]
    );
    assert_eq!(plan::taxonomy::OBJECT_TYPES, [("company", 1)]);
    assert_eq!(plan::taxonomy::TOPICS, [("product_updates", 1), ("newsletter", 2)]);

    assert_eq!(NewFollower::CHANNEL, MessageChannel::InApp);
    assert_eq!(WeeklyDigest::CHANNEL.as_str(), "inbox_message");

    let account = Account {
        name: "Acme",
        tier: Tier::Free,
        seats: 3,
        website: Some("acme.test".into()),
        region: Region::Us,
        cached: false,
    };
    assert_eq!(type_id(&account), 1);
    assert!(Object::validate(&account).is_ok());
    assert_eq!(<Membership as Relationship>::OBJECT, "company");
    assert!(Relationship::validate(&Membership { role: None }).is_ok());
    assert_eq!(<app::CompanyRelationship as Relationship>::OBJECT_TYPE_ID, 1);
}
