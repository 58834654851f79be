//! Typed identifiers: a `BookingId` can never be passed where an `AccountId` is expected.

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    )*};
}

id_type!(
    /// A customer or partner account.
    AccountId,
    ContactId,
    /// A person who can sign in (customer contact, partner contact or staff).
    UserId,
    TerritoryId,
    CharacteristicId,
    TechnicianId,
    TimeOffId,
    /// A reusable week of working hours ("Weekdays 8–16:30").
    WorkingHoursTemplateId,
    ServiceTypeId,
    AssetId,
    WorkOrderId,
    BookingId,
    AgreementId,
    InvoiceId,
    InvoiceLineId,
    ProductId,
    OpportunityId,
    AuditEventId,
    /// A question of the feedback survey.
    SurveyQuestionId,
    /// A customer's feedback on one visit.
    FeedbackId,
);
