//! Partner distribution on the web: the staff opportunity pages with the explanation and the
//! distribute buttons, the distribution settings, the partner portal (accept, decline, stages,
//! notes, close won or lost, feedback, internal opportunities, metrics) and the JSON API — each
//! happy path and its refusals (bad input answers 4xx with the field's message and changes
//! nothing). Partner A never reaches partner B's opportunities, by any route.

use crate::support::{TestApp, World, insert_account, insert_contact, insert_user};
use axum::http::{Method, StatusCode};
use onsite_app::distribution::{self as dist, OpportunityInput};
use onsite_app::policy::{Capability, Principal};
use onsite_domain::account::AccountKind;
use onsite_domain::geo::{GeoPoint, Polygon};
use onsite_domain::opportunity::OpportunityStatus;
use onsite_domain::role::Role;
use onsite_domain::{AccountId, OpportunityId, ProductId, TerritoryId, UserId};
use onsite_store::partners::{self, LeadType, NewPartnerProfile};
use onsite_store::territories::{self, NewTerritory, PostalPrefix};
use onsite_store::{catalog, distribution as store};
use onsite_testkit::both_backends;
use onsite_web::routes::table;

mod api;
mod partner;
mod settings;
mod staff;

/// The customer of every test opportunity: inside the Plateau's polygon.
pub const CUSTOMER: (f64, f64) = (45.52, -73.58);

/// A small partner market on top of the [`World`]: one territory, two products, and four
/// partner accounts. Every partner sits at the same address (the World's), so with no history
/// the ranking is decided by the lower account id: partner A (the World's) first.
pub struct Market {
    pub plateau: TerritoryId,
    pub heat_pump: ProductId,
    pub thermostat: ProductId,
    /// The World's partner account ("Partner Plumbing Co"), whose user is "partner".
    pub partner_a: AccountId,
    /// "Bravo Chauffage", with its own portal user.
    pub partner_b: AccountId,
    pub partner_b_user: UserId,
    /// "Complet Inc": capacity 0, never available.
    pub full: AccountId,
    /// "Thermo Seulement": covers thermostats only.
    pub thermo_only: AccountId,
}

impl Market {
    pub async fn build(app: &TestApp, world: &World) -> Market {
        let mut conn = app.db.store().conn().await.unwrap();
        let square = Polygon::new(vec![
            GeoPoint::new(45.51, -73.59).unwrap(),
            GeoPoint::new(45.53, -73.59).unwrap(),
            GeoPoint::new(45.53, -73.57).unwrap(),
            GeoPoint::new(45.51, -73.57).unwrap(),
        ])
        .unwrap();
        let plateau = territories::insert_territory(
            &mut conn,
            &NewTerritory {
                name: "Plateau",
                postal_prefixes: &[PostalPrefix::parse("H2J").unwrap()],
                polygon: Some(&square),
            },
        )
        .await
        .unwrap();
        let heat_pump = catalog::insert_product(&mut conn, "HP", "Heat pump")
            .await
            .unwrap();
        let thermostat = catalog::insert_product(&mut conn, "THERMO", "Smart thermostats")
            .await
            .unwrap();
        onsite_testkit::fixtures::lead_type(&mut conn, "residential").await;
        drop(conn);
        let partner_b = insert_account(app, "Bravo Chauffage", AccountKind::Partner).await;
        let full = insert_account(app, "Complet Inc", AccountKind::Partner).await;
        let thermo_only = insert_account(app, "Thermo Seulement", AccountKind::Partner).await;
        let market = Market {
            plateau,
            heat_pump,
            thermostat,
            partner_a: world.partner_account,
            partner_b,
            partner_b_user: UserId(0),
            full,
            thermo_only,
        };
        for (account, capacity, products) in [
            (market.partner_a, 3, vec![heat_pump, thermostat]),
            (partner_b, 3, vec![heat_pump]),
            (full, 0, vec![heat_pump]),
            (thermo_only, 3, vec![thermostat]),
        ] {
            let mut conn = app.db.store().conn().await.unwrap();
            partners::set_partner_profile(
                &mut conn,
                &NewPartnerProfile {
                    account_id: account,
                    capacity,
                    revenue_min_minor: 100_000,
                    revenue_max_minor: 5_000_000,
                    territories: &[plateau],
                    lead_types: &[LeadType::parse("residential").unwrap()],
                    products: &products,
                },
            )
            .await
            .unwrap();
        }
        let contact = insert_contact(
            app,
            partner_b,
            "Bob",
            "Bravo",
            "bob@bravo-chauffage.test",
            None,
        )
        .await;
        let partner_b_user = insert_user(
            app,
            "bob@bravo-chauffage.test",
            "Bob Bravo",
            Some(contact),
            &[Role::Partner],
        )
        .await;
        Market {
            partner_b_user,
            ..market
        }
    }

    pub fn input(&self, name: &str) -> OpportunityInput {
        OpportunityInput {
            name: name.into(),
            customer_name: "Marie Lavoie".into(),
            location: GeoPoint::new(CUSTOMER.0, CUSTOMER.1).unwrap(),
            postal_code: "H2J 2L5".into(),
            estimated_revenue_minor: 1_450_000,
            lead_type: "residential".into(),
            products: vec![self.heat_pump],
        }
    }

    /// A New opportunity, created by staff.
    pub async fn new_opportunity(&self, app: &TestApp, world: &World, name: &str) -> OpportunityId {
        dist::create_opportunity(
            app.app(),
            staff(app, world).await.grant().unwrap(),
            &self.input(name),
            app.state.clock.now(),
        )
        .await
        .unwrap()
        .id
    }

    /// An opportunity distributed by staff to `partner`.
    pub async fn distributed_to(
        &self,
        app: &TestApp,
        world: &World,
        name: &str,
        partner: AccountId,
    ) -> OpportunityId {
        let id = self.new_opportunity(app, world, name).await;
        dist::distribute(
            app.app(),
            staff(app, world).await.grant().unwrap(),
            id,
            Some(partner),
            app.state.clock.now(),
        )
        .await
        .unwrap();
        id
    }
}

async fn principal(app: &TestApp, user: UserId) -> Principal {
    let record =
        onsite_store::accounts::user_by_id(&mut app.db.store().conn().await.unwrap(), user)
            .await
            .unwrap()
            .unwrap();
    onsite_web::session::principal_of(&record)
}

async fn staff(app: &TestApp, world: &World) -> Principal {
    principal(app, world.user("dispatcher")).await
}

async fn status_of(app: &TestApp, id: OpportunityId) -> (OpportunityStatus, Option<AccountId>) {
    let o = store::dated(&mut app.db.store().conn().await.unwrap(), id)
        .await
        .unwrap()
        .opportunity;
    (o.status, o.partner_account_id)
}

async fn opportunity_count(app: &TestApp) -> usize {
    store::list_dated(
        &mut app.db.store().conn().await.unwrap(),
        store::Listing {
            partner: None,
            statuses: &[],
        },
    )
    .await
    .unwrap()
    .len()
}

/// The opportunity id at the end of a redirect to its page.
fn id_in(location: &str) -> OpportunityId {
    let tail = location.rsplit('/').next().unwrap();
    OpportunityId(tail.split('?').next().unwrap().parse().unwrap())
}
