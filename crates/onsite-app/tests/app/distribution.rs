//! Partner distribution use cases against a fresh database: staff explain and distribute,
//! partners accept, decline (→ the next partner), work and close, expiry hands over to the next
//! partner, automatic distribution, the weights as settings, and who may see what.

use jiff::{SignedDuration, Timestamp};
use onsite_app::App;
use onsite_app::distribution::{
    self as dist, Action, DistributionError, Filter, OpportunityInput, Stage,
};
use onsite_app::policy::{self, Admin, Principal, Staff};
use onsite_distribute::{Criterion, Metric};
use onsite_domain::account::{AccountKind, Address};
use onsite_domain::geo::GeoPoint;
use onsite_domain::opportunity::OpportunityStatus;
use onsite_domain::role::Role;
use onsite_domain::settings::InvalidSetting;
use onsite_domain::text::EmailAddress;
use onsite_domain::{AccountId, OpportunityId, ProductId, TechnicianId, TerritoryId, UserId};
use onsite_store::accounts::{self, NewAccount, NewContact, NewUser};
use onsite_store::outbox::{self, OutboxFilter};
use onsite_store::partners::{self, LeadType, NewPartnerProfile, OpportunityEventKind as Kind};
use onsite_store::territories::{self, NewTerritory, PostalPrefix};
use onsite_store::{audit, catalog};
use onsite_testkit::TestDb;
use onsite_testkit::both_backends;
use onsite_testkit::fixtures::{address_at, en, fr, point, t0};
use std::time::Instant;

mod partner;
mod scope;
mod settings;
mod staff;
mod webhooks;

fn hours(n: i64) -> Timestamp {
    t0() + SignedDuration::from_hours(n)
}

/// The customer of every test opportunity: on the Plateau (postal code H2J).
const CUSTOMER: (f64, f64) = (45.52, -73.58);
/// About one kilometre of latitude.
const KM: f64 = 0.009;

struct Partner {
    id: AccountId,
    who: Principal,
    email: &'static str,
}

struct World {
    /// Keeps the database alive for the test.
    _db: TestDb,
    app: App,
    staff: Principal,
    admin: Principal,
    customer: Principal,
    technician: Principal,
    /// Three partners serving the Plateau, 1, 5 and 10 km from the customer, each with a
    /// capacity of 2; the last one serves only Verdun.
    a: Partner,
    b: Partner,
    c: Partner,
    verdun: Partner,
    heat_pump: ProductId,
}

/// The customers' address at (`lat`, `lon`).
fn address(lat: f64, lon: f64) -> Address {
    address_at("4301 Rue Saint-Denis", point(lat, lon))
}

async fn user(
    app: &App,
    account: Option<AccountId>,
    email: &str,
    language: Option<&str>,
    roles: &[Role],
) -> UserId {
    let mut conn = app.store.conn().await.unwrap();
    let email = EmailAddress::parse(email).unwrap();
    let contact = match account {
        Some(account_id) => Some(
            accounts::insert_contact(
                &mut conn,
                &NewContact {
                    account_id,
                    first_name: "Luc",
                    last_name: "Roy",
                    email: &email,
                    phone: None,
                },
            )
            .await
            .unwrap(),
        ),
        None => None,
    };
    accounts::insert_user(
        &mut conn,
        &NewUser {
            email: &email,
            password_hash: None,
            display_name: "",
            language,
            contact_id: contact,
            roles,
        },
    )
    .await
    .unwrap()
}

fn principal(user_id: UserId, roles: &[Role], account_id: Option<AccountId>) -> Principal {
    Principal {
        user_id,
        roles: roles.to_vec(),
        account_id,
        technician_id: None,
    }
}

#[allow(clippy::too_many_arguments)]
async fn partner(
    app: &App,
    name: &str,
    km: f64,
    territory: TerritoryId,
    products: &[ProductId],
    email: &'static str,
    language: Option<&str>,
) -> Partner {
    let mut conn = app.store.conn().await.unwrap();
    let address = address(CUSTOMER.0 + km * KM, CUSTOMER.1);
    let id = accounts::insert_account(
        &mut conn,
        &NewAccount {
            kind: AccountKind::Partner,
            name,
            active: true,
            address: &address,
            territory_id: None,
        },
    )
    .await
    .unwrap();
    partners::set_partner_profile(
        &mut conn,
        &NewPartnerProfile {
            account_id: id,
            capacity: 2,
            revenue_min_minor: 100_000,
            revenue_max_minor: 5_000_000,
            territories: &[territory],
            lead_types: &[LeadType::parse("residential").unwrap()],
            products,
        },
    )
    .await
    .unwrap();
    drop(conn);
    let user_id = user(app, Some(id), email, language, &[Role::Partner]).await;
    Partner {
        id,
        who: principal(user_id, &[Role::Partner], Some(id)),
        email,
    }
}

async fn world(db: TestDb) -> World {
    let app = crate::app_on(&db);
    let mut conn = app.store.conn().await.unwrap();
    let plateau = territories::insert_territory(
        &mut conn,
        &NewTerritory {
            name: "Plateau",
            postal_prefixes: &[PostalPrefix::parse("H2J").unwrap()],
            polygon: None,
        },
    )
    .await
    .unwrap();
    let verdun_t = territories::insert_territory(
        &mut conn,
        &NewTerritory {
            name: "Verdun",
            postal_prefixes: &[PostalPrefix::parse("H4G").unwrap()],
            polygon: None,
        },
    )
    .await
    .unwrap();
    let heat_pump = catalog::insert_product(&mut conn, "HP", "Heat pump")
        .await
        .unwrap();
    onsite_testkit::fixtures::lead_type(&mut conn, "residential").await;
    let customer_account = accounts::insert_account(
        &mut conn,
        &NewAccount {
            kind: AccountKind::Customer,
            name: "Boulangerie",
            active: true,
            address: &address(CUSTOMER.0, CUSTOMER.1),
            territory_id: None,
        },
    )
    .await
    .unwrap();
    drop(conn);
    let hp = [heat_pump];
    let a = partner(
        &app,
        "Air Nord",
        1.0,
        plateau,
        &hp,
        "a@air.example",
        Some("fr"),
    )
    .await;
    let b = partner(&app, "Bleu", 5.0, plateau, &hp, "b@bleu.example", None).await;
    let c = partner(
        &app,
        "Chaleur",
        10.0,
        plateau,
        &hp,
        "c@chaleur.example",
        None,
    )
    .await;
    let verdun = partner(
        &app,
        "Verdun Air",
        0.5,
        verdun_t,
        &hp,
        "v@verdun.example",
        None,
    )
    .await;
    let staff_id = user(
        &app,
        None,
        "dispatch@onsite.example",
        None,
        &[Role::Dispatcher],
    )
    .await;
    let admin_id = user(&app, None, "admin@onsite.example", None, &[Role::Admin]).await;
    let customer_id = user(
        &app,
        Some(customer_account),
        "ana@boulangerie.example",
        None,
        &[Role::SelfScheduling, Role::CustomerApprover],
    )
    .await;
    let tech_id = user(&app, None, "tech@onsite.example", None, &[Role::Technician]).await;
    World {
        staff: principal(staff_id, &[Role::Dispatcher], None),
        admin: principal(admin_id, &[Role::Admin], None),
        customer: principal(
            customer_id,
            &[Role::SelfScheduling, Role::CustomerApprover],
            Some(customer_account),
        ),
        technician: Principal {
            technician_id: Some(TechnicianId(1)),
            ..principal(tech_id, &[Role::Technician], None)
        },
        a,
        b,
        c,
        verdun,
        heat_pump,
        app,
        _db: db,
    }
}

impl World {
    fn input(&self, name: &str) -> OpportunityInput {
        OpportunityInput {
            name: name.into(),
            customer_name: "Marie Lavoie".into(),
            location: GeoPoint::new(CUSTOMER.0, CUSTOMER.1).unwrap(),
            postal_code: "h2j 2l5".into(),
            estimated_revenue_minor: 1_450_000,
            lead_type: " Residential".into(),
            products: vec![self.heat_pump],
        }
    }

    /// A New opportunity created by staff (automatic distribution off).
    async fn new_opportunity(&self, name: &str, at: Timestamp) -> OpportunityId {
        let created = dist::create_opportunity(
            &self.app,
            self.staff.grant().unwrap(),
            &self.input(name),
            at,
        )
        .await
        .unwrap();
        assert_eq!(created.partner, None);
        created.id
    }

    async fn opportunity(&self, id: OpportunityId) -> onsite_domain::opportunity::Opportunity {
        partners::opportunity(&mut self.app.store.conn().await.unwrap(), id)
            .await
            .unwrap()
    }

    async fn events(&self, id: OpportunityId) -> Vec<(Option<AccountId>, Kind)> {
        partners::events_of_opportunity(&mut self.app.store.conn().await.unwrap(), id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.partner_account_id, e.kind))
            .collect()
    }

    /// The queued emails to `to`: (subject, text), oldest first.
    async fn emails(&self, to: &str) -> Vec<(String, String)> {
        let mut conn = self.app.store.conn().await.unwrap();
        let filter = OutboxFilter {
            recipient: Some(EmailAddress::parse(to).unwrap()),
            ..Default::default()
        };
        let mut out = Vec::new();
        for s in outbox::list(&mut conn, &filter, 50, None).await.unwrap() {
            let m = outbox::get(&mut conn, s.id).await.unwrap();
            out.push((m.subject, m.text_body));
        }
        out.reverse();
        out
    }

    async fn audit_actions(&self) -> Vec<String> {
        audit::recent(&mut self.app.store.conn().await.unwrap(), 200)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect()
    }
}

fn ranked_ids(e: &dist::Explanation) -> Vec<AccountId> {
    e.decision.ranked.iter().map(|r| r.partner).collect()
}

fn excluded(e: &dist::Explanation, p: AccountId) -> Option<Criterion> {
    e.decision
        .excluded
        .iter()
        .find(|x| x.partner == p)
        .map(|x| x.criterion)
}
