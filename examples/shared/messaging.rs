//! The seed's `MessagingService`, on the types `cio::taxonomy!()` generates from the
//! workspace's `events.toml`: every attribute and event below is checked by the
//! compiler against the file, and every campaign's Liquid against the events.
//!
//! Shared by the examples and the tests (`#[path]`-included).

#![allow(dead_code, unreachable_pub)]

use cio::client::{Customer, Destination, Error, Operation};
use cio::{EventId, Timestamp};

/// The types generated from `events.toml`.
pub mod events {
    cio::taxonomy!();
}

use events::{
    Company, CompanyRelationship, EmailVerified, FeatureUsed, InvitedTeammate, InvitedTeammateRole,
    OnboardingStep, Plan, Profile, ProfileUpdate, SignedUp, SignupMethod, SubscriptionCancelled,
    UpgradeCompleted,
};

/// A user of the app, as its database knows them.
#[derive(Debug, Clone)]
pub struct User {
    /// The app's user id (the Customer.io identifier).
    pub id: String,
    /// Email address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name, if given.
    pub last_name: Option<String>,
    /// Current plan.
    pub plan: Plan,
    /// Company, if given.
    pub company: Option<String>,
}

/// Identifies users and tracks the lifecycle events that trigger campaigns.
#[derive(Clone)]
pub struct MessagingService {
    client: Destination,
}

impl MessagingService {
    /// A service sending through `client` (a `TrackClient` or a `PipelinesClient`).
    pub fn new(client: impl Into<Destination>) -> Self {
        MessagingService {
            client: client.into(),
        }
    }

    /// On signup: creates the profile (with every attribute campaigns need, `email`
    /// included: the compiler insists) and triggers the onboarding campaign.
    pub async fn on_signup(&self, user: &User, method: SignupMethod) -> Result<EventId, Error> {
        let customer = Customer::id(&user.id);
        self.client
            .identify(&customer, &signup_profile(user))
            .await?;
        self.client
            .track(
                &customer,
                SignedUp {
                    method,
                    plan: user.plan,
                },
            )
            .await
    }

    /// On email verification: updates the profile and tracks the event.
    pub async fn on_email_verified(&self, user_id: &str) -> Result<EventId, Error> {
        let customer = Customer::id(user_id);
        self.client.identify(&customer, &verified_update()).await?;
        self.client.track(&customer, EmailVerified {}).await
    }

    /// On feature use: tracks it and refreshes `last_active_at`.
    pub async fn on_feature_used(
        &self,
        user_id: &str,
        feature: &str,
        metadata: Option<serde_json::Map<String, serde_json::Value>>,
    ) -> Result<EventId, Error> {
        let customer = Customer::id(user_id);
        let id = self
            .client
            .track(
                &customer,
                FeatureUsed {
                    feature: feature.to_string(),
                    metadata,
                },
            )
            .await?;
        let update = ProfileUpdate::new().last_active_at(Timestamp::now());
        self.client.identify(&customer, &update).await?;
        Ok(id)
    }

    /// On upgrade: records the new plan and revenue, and tracks the upgrade.
    pub async fn on_upgrade(
        &self,
        user_id: &str,
        from: Plan,
        to: Plan,
        mrr: f64,
    ) -> Result<EventId, Error> {
        let customer = Customer::id(user_id);
        self.client
            .identify(&customer, &upgrade_update(to, mrr))
            .await?;
        self.client
            .track(
                &customer,
                UpgradeCompleted {
                    from_plan: from,
                    to_plan: to,
                    mrr,
                },
            )
            .await
    }

    /// On an invitation: tracks `invited_teammate` for the inviter, makes sure the
    /// company object exists, and relates the invitee to it with their role (which
    /// starts the team_welcome campaign, whose message reads `trigger.company.name`
    /// and `trigger.relationship.role`).
    pub async fn on_teammate_invited(
        &self,
        inviter: &User,
        invitee: &User,
        company: &Team,
        role: InvitedTeammateRole,
    ) -> Result<EventId, Error> {
        let id = self
            .client
            .track(
                &Customer::id(&inviter.id),
                InvitedTeammate {
                    invitee_email: invitee.email.clone(),
                    role,
                },
            )
            .await?;
        self.client
            .entity(&Operation::object(&company.id, &company_object(company))?)
            .await?;
        let relationship = team_relationship(inviter, role);
        let relate = Operation::relate(&Customer::id(&invitee.id), &company.id, &relationship)?;
        self.client.entity(&relate).await?;
        Ok(id)
    }

    /// On cancellation: records why, and triggers the win-back campaign (whose
    /// message reads `{{ event.reason }}`: the compiler made `reason` required).
    pub async fn on_cancellation(&self, user_id: &str, reason: &str) -> Result<EventId, Error> {
        let customer = Customer::id(user_id);
        self.client
            .identify(&customer, &cancellation_update(reason))
            .await?;
        self.client
            .track(
                &customer,
                SubscriptionCancelled {
                    reason: reason.to_string(),
                },
            )
            .await
    }
}

/// The profile created at signup.
pub fn signup_profile(user: &User) -> Profile {
    Profile {
        last_name: user.last_name.clone(),
        company: user.company.clone(),
        onboarding_step: Some(OnboardingStep::SignedUp),
        ..Profile::new(
            user.email.clone(),
            user.first_name.clone(),
            user.plan,
            Timestamp::now(),
        )
    }
}

/// The update sent when the email is verified.
pub fn verified_update() -> ProfileUpdate {
    ProfileUpdate::new()
        .email_verified(true)
        .email_verified_at(Timestamp::now())
        .onboarding_step(OnboardingStep::Verified)
}

/// The update sent on upgrade.
pub fn upgrade_update(to: Plan, mrr: f64) -> ProfileUpdate {
    ProfileUpdate::new()
        .plan(to)
        .mrr(mrr)
        .upgraded_at(Timestamp::now())
}

/// A company account of the app, as its database knows it.
#[derive(Debug, Clone)]
pub struct Team {
    /// The app's company id (the Customer.io object id).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its plan.
    pub plan: Plan,
}

/// The company object sent for `team`.
pub fn company_object(team: &Team) -> Company {
    Company {
        name: team.name.clone(),
        plan: Some(team.plan),
        seats: None,
    }
}

/// The relationship of a person `inviter` invited with `role`.
pub fn team_relationship(inviter: &User, role: InvitedTeammateRole) -> CompanyRelationship {
    let role = match role {
        InvitedTeammateRole::Admin => "admin",
        InvitedTeammateRole::Member => "member",
        InvitedTeammateRole::Viewer => "viewer",
    };
    CompanyRelationship {
        role: Some(role.to_owned()),
        invited_by: Some(inviter.first_name.clone()),
    }
}

/// The demo company: user-1's.
pub fn demo_team() -> Team {
    Team {
        id: "acme".into(),
        name: "Acme".into(),
        plan: Plan::Pro,
    }
}

/// The update sent on cancellation.
pub fn cancellation_update(reason: &str) -> ProfileUpdate {
    ProfileUpdate::new()
        .plan(Plan::Cancelled)
        .cancelled_at(Timestamp::now())
        .cancellation_reason(reason)
}

/// The demo users of the examples.
pub fn demo_users() -> Vec<User> {
    vec![
        User {
            id: "user-1".into(),
            email: "jane@example.com".into(),
            first_name: "Jane".into(),
            last_name: Some("Doe".into()),
            plan: Plan::Free,
            company: Some("Acme".into()),
        },
        User {
            id: "user-2".into(),
            email: "raj@example.com".into(),
            first_name: "Raj".into(),
            last_name: None,
            plan: Plan::Pro,
            company: None,
        },
    ]
}
