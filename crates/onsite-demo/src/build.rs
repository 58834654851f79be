//! Writes the demo city, step by step, through the store's repositories (so every value goes
//! through the same validation as real data): catalog, territories, people, customers and their
//! equipment, agreements, technicians, ten weeks of visits with work orders and invoices, open
//! work orders, then partners and opportunities.

use crate::city::{self, BOROUGHS, FIRST_NAMES, LAST_NAMES, PLATEAU, ROSEMONT, VILLE_MARIE};
use crate::rng::Rng;
use crate::schedule::{self, Candidate, Day};
use crate::trade::{self, AssetKind, Component, SERVICE_TYPES};
use crate::{AUDIT_ACTION, DemoError, DemoSummary, partners};
use jiff::civil::{Date, Weekday};
use jiff::{Span, Timestamp};
use onsite_domain::account::{AccountKind, Address};
use onsite_domain::agreement::AgreementStatus;
use onsite_domain::booking::BookingAction;
use onsite_domain::geo::GeoPoint;
use onsite_domain::invoice::{InvoiceLine, InvoiceStatus};
use onsite_domain::money::Currency;
use onsite_domain::role::Role;
use onsite_domain::service_type::VisitDuration;
use onsite_domain::settings;
use onsite_domain::skill::{Rating, SkillLevel};
use onsite_domain::technician::ResourceKind;
use onsite_domain::text::{EmailAddress, PhoneNumber};
use onsite_domain::time::{TimeZoneName, WorkingPeriod, weekday_from_iso};
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{
    AccountId, AgreementId, AssetId, CharacteristicId, ContactId, ProductId, ServiceTypeId,
    TechnicianId, TerritoryId, UserId,
};
use onsite_store::agreements::{self, NewAgreement};
use onsite_store::assets::{self, NewAsset};
use onsite_store::bookings::{self, NewBooking, RecordedTransition};
use onsite_store::invoices::{self, NewInvoice};
use onsite_store::technicians::{self, DayHours, NewTechnician};
use onsite_store::territories::{self, NewTerritory, PostalPrefix};
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_store::{Conn, accounts, audit, catalog};

/// The generator's seed: fixed, so the city is the same whenever it is loaded.
const SEED: u64 = 0x4D6F_6E74_7265_616C; // "Montreal"
const HISTORY_DAYS: i64 = 56;
const UPCOMING_DAYS: i64 = 13;
/// GST 5 % + QST 9.975 %, in thousandths of a percent.
const QUEBEC_TAX: i64 = 14_975;
const SERVICE_CALL_CENTS: i64 = 8_900;

pub(crate) type Res<T> = Result<T, DemoError>;

/// What a customer account is, which decides its equipment and contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Household,
    Food,
    Office,
    Condo,
}

/// Something the company can do at an account: a service type, on an asset or not.
struct Job {
    asset: Option<AssetId>,
    service: usize,
    asset_skills: &'static [(usize, i64)],
}

struct Customer {
    id: AccountId,
    borough: usize,
    location: GeoPoint,
    active: bool,
    kind: Kind,
    jobs: Vec<Job>,
    /// (id, first day, last day) of each agreement, to link maintenance visits.
    agreements: Vec<(AgreementId, Date, Date)>,
    /// Names of the top-level assets installed, to number a second one of a kind.
    installed: Vec<&'static str>,
}

struct Tech {
    id: TechnicianId,
    user: Option<UserId>,
    home: GeoPoint,
    boroughs: Vec<usize>,
    skills: Vec<(usize, i64)>,
    weekly: Vec<(i8, u16, u16)>,
    exceptions: Vec<(i64, Option<(u16, u16)>)>,
    /// Whole days off, as day offsets from today (inclusive).
    time_off: Vec<(i64, i64)>,
    /// (customer, job) pairs this technician may do: in their boroughs, with their skills.
    jobs: Vec<(usize, usize)>,
}

/// The demo sign-ins, once created.
#[derive(Default)]
pub(crate) struct Users {
    pub customer: Option<UserId>,
    pub approver: Option<UserId>,
    pub reviewer: Option<UserId>,
    pub technician: Option<UserId>,
    pub dispatcher: Option<UserId>,
    pub admin: Option<UserId>,
    pub partner: Option<UserId>,
}

pub(crate) struct Builder<'c> {
    pub conn: &'c mut Conn,
    pub rng: Rng,
    pub today: Date,
    pub tz: TimeZoneName,
    pub password_hash: &'c str,
    pub summary: DemoSummary,
    pub territory_ids: Vec<TerritoryId>,
    pub product_ids: Vec<ProductId>,
    pub users: Users,
    characteristic_ids: Vec<CharacteristicId>,
    service_type_ids: Vec<ServiceTypeId>,
    customers: Vec<Customer>,
    techs: Vec<Tech>,
    demo_customer: usize,
    demo_account: Option<AccountId>,
    demo_tech: usize,
    /// Assets of the demo customer, by name, for its pinned visits and estimate.
    demo_assets: Vec<(&'static str, AssetId)>,
    next_work_order: u32,
    next_invoice: u32,
    next_agreement: u32,
    speed_kmh: f64,
    road_factor: f64,
}

pub(crate) async fn city(conn: &mut Conn, today: Date, password_hash: &str) -> Res<DemoSummary> {
    let decimal = |s: &settings::Setting| match s.parse(s.default) {
        Ok(settings::SettingValue::Decimal(v)) => v,
        _ => 1.0,
    };
    let mut b = Builder {
        conn,
        rng: Rng::new(SEED),
        today,
        tz: TimeZoneName::parse(city::TIME_ZONE)?,
        password_hash,
        summary: DemoSummary {
            today: Some(today),
            ..DemoSummary::default()
        },
        territory_ids: Vec::new(),
        product_ids: Vec::new(),
        users: Users::default(),
        characteristic_ids: Vec::new(),
        service_type_ids: Vec::new(),
        customers: Vec::new(),
        techs: Vec::new(),
        demo_customer: 0,
        demo_account: None,
        demo_tech: 0,
        demo_assets: Vec::new(),
        next_work_order: 1,
        next_invoice: 1,
        next_agreement: 1,
        // The visits leave the travel time the portal itself would compute by default.
        speed_kmh: decimal(&settings::TRAVEL_SPEED_KMH),
        road_factor: decimal(&settings::TRAVEL_ROAD_FACTOR),
    };
    // Every date the demo writes (agreements reach back two years) must exist.
    b.day(-800)?;
    b.day(800)?;
    b.catalog().await?;
    b.territories().await?;
    b.staff().await?;
    b.customers().await?;
    b.agreements().await?;
    b.technicians().await?;
    b.visits().await?;
    b.open_work_orders().await?;
    partners::partners_and_opportunities(&mut b).await?;
    let today_start = b.today_start()?;
    b.summary.feedback =
        crate::feedback::survey_and_responses(b.conn, &b.tz, b.demo_account, today_start).await?;
    let s = &b.summary;
    let detail = serde_json::json!({
        "today": today.to_string(),
        "territories": s.territories,
        "technicians": s.technicians,
        "customer_accounts": s.customer_accounts,
        "assets": s.assets,
        "bookings": s.bookings,
        "opportunities": s.opportunities,
    });
    audit::record(b.conn, None, AUDIT_ACTION, "demo", None, &detail).await?;
    Ok(b.summary)
}

impl Builder<'_> {
    // ---- time -------------------------------------------------------------------------------

    pub fn day(&self, offset: i64) -> Res<Date> {
        Ok(self.today.checked_add(Span::new().days(offset))?)
    }

    /// The instant of a local minute of the day (`minute` may pass midnight).
    pub fn at(&self, day: Date, minute: i64) -> Res<Timestamp> {
        let local = day
            .to_datetime(jiff::civil::Time::midnight())
            .checked_add(Span::new().minutes(minute))?;
        Ok(local.to_zoned(self.tz.time_zone())?.timestamp())
    }

    pub fn today_start(&self) -> Res<Timestamp> {
        self.at(self.today, 0)
    }

    // ---- people -----------------------------------------------------------------------------

    pub fn person(&mut self) -> (&'static str, &'static str) {
        (self.rng.of(FIRST_NAMES), self.rng.of(LAST_NAMES))
    }

    pub fn phone(&mut self) -> Res<PhoneNumber> {
        let area = if self.rng.chance(0.7) { "514" } else { "438" };
        // 555-0100 … 555-0199 are reserved for fiction.
        Ok(PhoneNumber::parse(&format!(
            "{area}-555-01{:02}",
            self.rng.below(100)
        ))?)
    }

    pub async fn contact(
        &mut self,
        account: AccountId,
        first: &str,
        last: &str,
        email: &str,
        phone: bool,
    ) -> Res<ContactId> {
        let email = EmailAddress::parse(email)?;
        let phone = if phone { Some(self.phone()?) } else { None };
        let id = accounts::insert_contact(
            self.conn,
            &accounts::NewContact {
                account_id: account,
                first_name: first,
                last_name: last,
                email: &email,
                phone: phone.as_ref(),
            },
        )
        .await?;
        self.summary.contacts += 1;
        Ok(id)
    }

    pub async fn user(
        &mut self,
        email: &str,
        name: &str,
        language: Option<&str>,
        contact: Option<ContactId>,
        roles: &[Role],
    ) -> Res<UserId> {
        let email = EmailAddress::parse(email)?;
        let id = accounts::insert_user(
            self.conn,
            &accounts::NewUser {
                email: &email,
                password_hash: Some(self.password_hash),
                display_name: name,
                language,
                contact_id: contact,
                roles,
            },
        )
        .await?;
        self.summary.users += 1;
        Ok(id)
    }

    pub fn address(
        &mut self,
        borough: usize,
        line: Option<&str>,
        at: Option<GeoPoint>,
    ) -> Res<Address> {
        let b = &BOROUGHS[borough];
        let line = match line {
            Some(l) => l.to_owned(),
            None => b.street_address(&mut self.rng),
        };
        let postal_code = b.postal_code(&mut self.rng);
        let location = match at {
            Some(p) => p,
            None => b.random_point(&mut self.rng)?,
        };
        Ok(Address {
            line,
            city: city::CITY.to_owned(),
            postal_code,
            country: city::COUNTRY.to_owned(),
            location,
            time_zone: self.tz.clone(),
        })
    }

    fn skill_levels(&self, skills: &[(usize, i64)]) -> Res<Vec<SkillLevel>> {
        skills
            .iter()
            .map(|&(c, r)| {
                let characteristic_id =
                    *self
                        .characteristic_ids
                        .get(c)
                        .ok_or(onsite_domain::InvalidInput::new(
                            "characteristic",
                            "unknown",
                        ))?;
                Ok(SkillLevel {
                    characteristic_id,
                    rating: Rating::new(r)?,
                })
            })
            .collect()
    }

    // ---- steps ------------------------------------------------------------------------------

    async fn catalog(&mut self) -> Res<()> {
        for name in trade::CHARACTERISTICS {
            let id = catalog::insert_characteristic(self.conn, name).await?;
            self.characteristic_ids.push(id);
        }
        self.summary.characteristics = self.characteristic_ids.len();
        for st in &SERVICE_TYPES {
            let skills = self.skill_levels(st.skills)?;
            let id = catalog::insert_service_type(
                self.conn,
                &catalog::NewServiceType {
                    name: st.name,
                    description: st.description,
                    duration: VisitDuration::from_minutes(st.minutes)?,
                    required_skills: &skills,
                    self_scheduling: st.self_scheduling,
                    active: st.active,
                },
            )
            .await?;
            self.service_type_ids.push(id);
        }
        self.summary.service_types = self.service_type_ids.len();
        for (code, name, _, _) in trade::PRODUCTS {
            let id = catalog::insert_product(self.conn, code, name).await?;
            self.product_ids.push(id);
        }
        // The lead types partners take, in the catalogue too (named "Residential"…).
        for code in trade::LEAD_TYPES {
            let mut name = code.to_owned();
            name[..1].make_ascii_uppercase();
            catalog::insert_entry(self.conn, catalog::List::LeadTypes, Some(code), &name).await?;
        }
        Ok(())
    }

    async fn territories(&mut self) -> Res<()> {
        for b in &BOROUGHS {
            let prefixes = b
                .fsas
                .iter()
                .map(|f| PostalPrefix::parse(f))
                .collect::<Result<Vec<_>, _>>()?;
            let polygon = b.polygon()?;
            let id = territories::insert_territory(
                self.conn,
                &NewTerritory {
                    name: b.name,
                    postal_prefixes: &prefixes,
                    polygon: Some(&polygon),
                },
            )
            .await?;
            self.territory_ids.push(id);
        }
        self.summary.territories = self.territory_ids.len();
        Ok(())
    }

    async fn staff(&mut self) -> Res<()> {
        self.users.dispatcher = Some(
            self.user(
                "dispatcher@demo.test",
                "Louise Gendron",
                Some("fr"),
                None,
                &[Role::Dispatcher],
            )
            .await?,
        );
        self.users.admin = Some(
            self.user(
                "admin@demo.test",
                "Marc Lefebvre",
                None,
                None,
                &[Role::Admin],
            )
            .await?,
        );
        Ok(())
    }

    // ---- customers and their equipment -------------------------------------------------------

    async fn customers(&mut self) -> Res<()> {
        for borough in 0..BOROUGHS.len() {
            for n in 0..36 {
                if borough == PLATEAU && n == 0 {
                    self.demo_customer().await?;
                    continue;
                }
                let roll = self.rng.unit();
                let kind = match roll {
                    r if r < 0.55 => Kind::Household,
                    r if r < 0.70 => Kind::Food,
                    r if r < 0.85 => Kind::Office,
                    _ => Kind::Condo,
                };
                self.customer(borough, kind).await?;
            }
        }
        self.summary.customer_accounts = self.customers.len();
        Ok(())
    }

    async fn customer(&mut self, borough: usize, kind: Kind) -> Res<()> {
        let address = self.address(borough, None, None)?;
        let (first, last) = self.person();
        let name = match kind {
            Kind::Household => format!("{first} {last}"),
            Kind::Food => format!(
                "{} {}",
                self.rng.of(city::FOOD_KINDS),
                self.rng.of(LAST_NAMES)
            ),
            Kind::Office => format!(
                "{} {}",
                self.rng.of(city::OFFICE_KINDS),
                self.rng.of(LAST_NAMES)
            ),
            Kind::Condo => format!("Syndicat de copropriété du {}", address.line),
        };
        // A few businesses closed recently: their history stays, nothing new is booked.
        let active = kind == Kind::Household || !self.rng.chance(0.04);
        let id = accounts::insert_account(
            self.conn,
            &accounts::NewAccount {
                kind: AccountKind::Customer,
                name: &name,
                active,
                address: &address,
                territory_id: Some(self.territory_ids[borough]),
            },
        )
        .await?;
        // Condominiums are run by a property manager; everyone else writes from their own domain.
        let domain = match kind {
            Kind::Condo => city::email_domain(&format!("Gestion {}", self.rng.of(LAST_NAMES))),
            _ => city::email_domain(&name),
        };
        let slug = |s: &str| city::ascii_slug(s).replace('-', "");
        match kind {
            Kind::Household => {
                let n = self.customers.len();
                let email = format!("{}.{}{n}@example.com", slug(first), slug(last));
                self.contact(id, first, last, &email, true).await?;
                if self.rng.chance(0.3) {
                    let partner = self.rng.of(FIRST_NAMES);
                    let email = format!("{}.{}{n}@example.net", slug(partner), slug(last));
                    let phone = self.rng.chance(0.5);
                    self.contact(id, partner, last, &email, phone).await?;
                }
            }
            _ => {
                let email = format!("{}@{domain}", slug(first));
                self.contact(id, first, last, &email, true).await?;
                for _ in 0..self.rng.range(0, 2) {
                    let (f, l) = self.person();
                    let email = format!("{}.{}@{domain}", slug(f), slug(l));
                    let phone = self.rng.chance(0.6);
                    self.contact(id, f, l, &email, phone).await?;
                }
            }
        }
        let mut customer = Customer {
            id,
            borough,
            location: address.location,
            active,
            kind,
            jobs: Vec::new(),
            agreements: Vec::new(),
            installed: Vec::new(),
        };
        let kinds = self.equipment(kind);
        for k in kinds {
            self.install(&mut customer, k, None).await?;
        }
        customer.jobs.push(Job {
            asset: None,
            service: trade::LEAK_REPAIR,
            asset_skills: &[],
        });
        self.customers.push(customer);
        Ok(())
    }

    /// What a customer of this kind has installed.
    fn equipment(&mut self, kind: Kind) -> Vec<&'static AssetKind> {
        let mut kinds: Vec<&'static AssetKind> = Vec::new();
        match kind {
            Kind::Household => {
                let heating = self.rng.unit();
                kinds.push(if heating < 0.45 {
                    &trade::FURNACE
                } else if heating < 0.8 {
                    &trade::HEAT_PUMP
                } else {
                    &trade::BOILER
                });
                kinds.push(&trade::WATER_HEATER);
                let count = self.rng.range(1, 3) as usize;
                for i in self.rng.sample(trade::HOME_APPLIANCES.len(), count) {
                    kinds.push(&trade::HOME_APPLIANCES[i]);
                }
                if self.rng.chance(0.3) {
                    kinds.push(&trade::ELECTRICAL_PANEL);
                }
            }
            Kind::Food => {
                kinds.extend([
                    &trade::ROOFTOP_UNIT,
                    &trade::WALK_IN_COOLER,
                    &trade::REACH_IN,
                ]);
                if self.rng.chance(0.5) {
                    kinds.push(&trade::REACH_IN);
                }
                kinds.extend([&trade::FIRE_PANEL, &trade::WATER_HEATER]);
            }
            Kind::Office => {
                kinds.extend([
                    &trade::ROOFTOP_UNIT,
                    &trade::FIRE_PANEL,
                    &trade::ELECTRICAL_PANEL,
                ]);
                if self.rng.chance(0.6) {
                    kinds.push(&trade::BMS_CONTROLLER);
                }
            }
            Kind::Condo => {
                kinds.extend([
                    &trade::BOILER,
                    &trade::FIRE_PANEL,
                    &trade::ELECTRICAL_PANEL,
                    &trade::WATER_HEATER,
                ]);
                if self.rng.chance(0.5) {
                    kinds.push(&trade::BMS_CONTROLLER);
                }
            }
        }
        kinds
    }

    /// Inserts an asset with its components, and the jobs that apply to it.
    async fn install(
        &mut self,
        customer: &mut Customer,
        kind: &'static AssetKind,
        product: Option<&str>,
    ) -> Res<AssetId> {
        let skills = self.skill_levels(kind.skills)?;
        let product = product.unwrap_or_else(|| self.rng.of(kind.products));
        let serial = format!("{}-{:08}", kind.serial_prefix, self.rng.below(100_000_000));
        let same_kind = customer
            .installed
            .iter()
            .filter(|n| **n == kind.name)
            .count();
        let name = if same_kind > 0 {
            format!("{} #{}", kind.name, same_kind + 1)
        } else {
            kind.name.to_owned()
        };
        customer.installed.push(kind.name);
        let id = assets::insert_asset(
            self.conn,
            &NewAsset {
                account_id: customer.id,
                parent_id: None,
                name: &name,
                product,
                serial_number: Some(&serial),
                required_skills: &skills,
                expose_to_customer: kind.exposed,
            },
        )
        .await?;
        self.summary.assets += 1;
        if Some(customer.id) == self.demo_account {
            self.demo_assets.push((kind.name, id));
        }
        self.components(customer.id, id, kind.components).await?;
        for &service in kind.jobs {
            customer.jobs.push(Job {
                asset: Some(id),
                service,
                asset_skills: kind.skills,
            });
        }
        if std::ptr::eq(kind, &trade::FURNACE) {
            // Québec subsidizes replacing gas and oil heating: heat pump conversions are common.
            customer.jobs.push(Job {
                asset: None,
                service: trade::HEAT_PUMP_INSTALL,
                asset_skills: &[],
            });
        }
        Ok(id)
    }

    async fn components(
        &mut self,
        account: AccountId,
        parent: AssetId,
        components: &'static [Component],
    ) -> Res<()> {
        // Depth-first with an explicit stack: async recursion would need boxing.
        let mut stack: Vec<(AssetId, &'static Component)> =
            components.iter().rev().map(|c| (parent, c)).collect();
        while let Some((parent, c)) = stack.pop() {
            let serial = self
                .rng
                .chance(0.6)
                .then(|| format!("C-{:07}", self.rng.below(10_000_000)));
            let id = assets::insert_asset(
                self.conn,
                &NewAsset {
                    account_id: account,
                    parent_id: Some(parent),
                    name: c.name,
                    product: c.product,
                    serial_number: serial.as_deref(),
                    required_skills: &[],
                    expose_to_customer: c.exposed,
                },
            )
            .await?;
            self.summary.assets += 1;
            if Some(account) == self.demo_account {
                self.demo_assets.push((c.name, id));
            }
            stack.extend(c.children.iter().rev().map(|child| (id, child)));
        }
        Ok(())
    }

    /// The account the customer, approver and reviewer sign-ins belong to: a bakery on Rue Fabre.
    async fn demo_customer(&mut self) -> Res<()> {
        let location = GeoPoint::new(45.530_512, -73.578_921)?;
        let address = Address {
            postal_code: "H2J 3V3".to_owned(),
            ..self.address(PLATEAU, Some("4325 Rue Fabre"), Some(location))?
        };
        let id = accounts::insert_account(
            self.conn,
            &accounts::NewAccount {
                kind: AccountKind::Customer,
                name: "Boulangerie Fabre",
                active: true,
                address: &address,
                territory_id: Some(self.territory_ids[PLATEAU]),
            },
        )
        .await?;
        self.demo_customer = self.customers.len();
        self.demo_account = Some(id);
        let mut me = Customer {
            id,
            borough: PLATEAU,
            location,
            active: true,
            kind: Kind::Food,
            jobs: Vec::new(),
            agreements: Vec::new(),
            installed: Vec::new(),
        };
        let customer = self
            .contact(id, "Camille", "Tremblay", "customer@demo.test", true)
            .await?;
        let approver = self
            .contact(id, "Jean-François", "Roy", "approver@demo.test", true)
            .await?;
        let reviewer = self
            .contact(id, "Priya", "Natarajan", "reviewer@demo.test", false)
            .await?;
        self.contact(
            id,
            "Service",
            "Comptabilité",
            "comptabilite@boulangerie-fabre.example",
            false,
        )
        .await?;
        self.users.customer = Some(
            self.user(
                "customer@demo.test",
                "Camille Tremblay",
                None,
                Some(customer),
                &[Role::SelfScheduling],
            )
            .await?,
        );
        self.users.approver = Some(
            self.user(
                "approver@demo.test",
                "Jean-François Roy",
                Some("fr"),
                Some(approver),
                &[Role::CustomerApprover],
            )
            .await?,
        );
        self.users.reviewer = Some(
            self.user(
                "reviewer@demo.test",
                "Priya Natarajan",
                Some("en"),
                Some(reviewer),
                &[Role::CustomerReviewer],
            )
            .await?,
        );
        for (kind, product) in [
            (&trade::ROOFTOP_UNIT, "Lennox Energence LGH 7.5 t"),
            (&trade::WALK_IN_COOLER, "Kolpak 8×10"),
            (&trade::REACH_IN, "True T-49"),
            (&trade::REACH_IN, "Turbo Air M3R47"),
            (&trade::FIRE_PANEL, "Mircom FX-2000"),
            (&trade::WATER_HEATER, "Giant 60 gal electric"),
            (&trade::BMS_CONTROLLER, "Distech ECLYPSE APEX"),
        ] {
            self.install(&mut me, kind, Some(product)).await?;
        }
        me.jobs.push(Job {
            asset: None,
            service: trade::LEAK_REPAIR,
            asset_skills: &[],
        });
        self.customers.push(me);
        Ok(())
    }

    fn demo_asset(&self, name: &str) -> Option<AssetId> {
        self.demo_assets
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, id)| *id)
    }

    // ---- agreements -------------------------------------------------------------------------

    async fn agreements(&mut self) -> Res<()> {
        let today = self.today;
        for i in 0..self.customers.len() {
            let kind = self.customers[i].kind;
            if i == self.demo_customer {
                let starts = self.day(-200)?;
                let ends = last_day_of_year_from(starts)?;
                let prev_start = starts.checked_add(Span::new().years(-1))?;
                let prev_end = self.day(-201)?;
                self.agreement(
                    i,
                    "Preventive maintenance — HVAC & refrigeration",
                    AgreementStatus::Expired,
                    prev_start,
                    prev_end,
                    true,
                )
                .await?;
                self.agreement(
                    i,
                    "Preventive maintenance — HVAC & refrigeration",
                    AgreementStatus::Active,
                    starts,
                    ends,
                    true,
                )
                .await?;
                let fire_end = self.day(21)?;
                let fire_start = first_day_of_year_to(fire_end)?;
                self.agreement(
                    i,
                    "Fire alarm inspection contract",
                    AgreementStatus::RenewalPending,
                    fire_start,
                    fire_end,
                    true,
                )
                .await?;
                continue;
            }
            let has = match kind {
                Kind::Household => self.rng.chance(0.35),
                _ => self.rng.chance(0.85),
            };
            let name = match kind {
                Kind::Household => "Home comfort plan — Plan confort",
                _ => "Preventive maintenance agreement — Contrat d'entretien préventif",
            };
            if !has {
                // Some former customers let their plan lapse.
                if self.rng.chance(0.1) {
                    let ago = self.rng.range(10, 200);
                    let ends = self.day(-ago)?;
                    let starts = first_day_of_year_to(ends)?;
                    self.agreement(i, name, AgreementStatus::Expired, starts, ends, true)
                        .await?;
                }
                continue;
            }
            let ago = self.rng.range(20, 360);
            let starts = self.day(-ago)?;
            let ends = last_day_of_year_from(starts)?;
            if self.rng.chance(0.4) {
                let prev_start = starts.checked_add(Span::new().years(-1))?;
                let prev_end = starts.checked_add(Span::new().days(-1))?;
                self.agreement(
                    i,
                    name,
                    AgreementStatus::Expired,
                    prev_start,
                    prev_end,
                    true,
                )
                .await?;
            }
            let days_left = today.until(ends)?.get_days();
            let status = if days_left <= 30 {
                AgreementStatus::RenewalPending
            } else {
                AgreementStatus::Active
            };
            self.agreement(i, name, status, starts, ends, true).await?;
            if kind != Kind::Household && self.rng.chance(0.04) {
                // Being prepared by the office: not shown to the customer yet.
                let ahead = self.rng.range(10, 40);
                let next = self.day(ahead)?;
                let end = last_day_of_year_from(next)?;
                self.agreement(
                    i,
                    "Extended coverage — draft",
                    AgreementStatus::Draft,
                    next,
                    end,
                    false,
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn agreement(
        &mut self,
        customer: usize,
        name: &str,
        status: AgreementStatus,
        starts_on: Date,
        ends_on: Date,
        exposed: bool,
    ) -> Res<()> {
        let number = format!("AGR-{:05}", self.next_agreement);
        self.next_agreement += 1;
        let (account, kind) = (self.customers[customer].id, self.customers[customer].kind);
        let description = match kind {
            Kind::Household => {
                "Yearly maintenance of heating and hot water, 15 % off parts. — Entretien annuel, 15 % sur les pièces."
            }
            _ => {
                "Scheduled maintenance of listed equipment, priority service. — Entretien planifié, service prioritaire."
            }
        };
        let id = agreements::insert_agreement(
            self.conn,
            &NewAgreement {
                number: &number,
                account_id: account,
                name,
                status,
                starts_on,
                ends_on,
                description: Some(description),
                expose_to_customer: exposed,
            },
        )
        .await?;
        self.summary.agreements += 1;
        if status != AgreementStatus::Draft {
            self.customers[customer]
                .agreements
                .push((id, starts_on, ends_on));
            // The yearly fee, invoiced when the agreement starts (if that is in the past).
            if starts_on < self.today {
                let fee = match kind {
                    Kind::Household => 34_900,
                    Kind::Food => 240_000,
                    Kind::Office => 180_000,
                    Kind::Condo => 320_000,
                };
                let line = InvoiceLine {
                    description: format!("{name} {number} — annual fee / frais annuels"),
                    quantity_milli: 1000,
                    unit_price_minor: fee,
                    tax_rate_milli_percent: QUEBEC_TAX,
                };
                let status = self.invoice_status(starts_on)?;
                self.invoice(account, None, Some(id), starts_on, vec![line], status)
                    .await?;
            }
        }
        Ok(())
    }

    /// Where an invoice issued on that day stands today: drafts for the last two days, mostly
    /// paid after a month, the odd one canceled.
    fn invoice_status(&mut self, issued_on: Date) -> Res<InvoiceStatus> {
        let age = issued_on.until(self.today)?.get_days();
        Ok(if age <= 2 {
            InvoiceStatus::Draft
        } else if self.rng.chance(0.01) {
            InvoiceStatus::Canceled
        } else if age > 30 && self.rng.chance(0.92) {
            InvoiceStatus::Paid
        } else {
            InvoiceStatus::Issued
        })
    }

    async fn invoice(
        &mut self,
        account: AccountId,
        work_order: Option<onsite_domain::WorkOrderId>,
        agreement: Option<AgreementId>,
        issued_on: Date,
        lines: Vec<InvoiceLine>,
        status: InvoiceStatus,
    ) -> Res<()> {
        let number = format!("INV-{:06}", self.next_invoice);
        self.next_invoice += 1;
        invoices::insert_invoice(
            self.conn,
            &NewInvoice {
                number: &number,
                account_id: account,
                work_order_id: work_order,
                agreement_id: agreement,
                status,
                currency: Currency::parse("CAD")?,
                issued_on,
                due_on: issued_on.checked_add(Span::new().days(30))?,
                lines: &lines,
                // Drafts are still being prepared by the office.
                expose_to_customer: status != InvoiceStatus::Draft,
            },
        )
        .await?;
        self.summary.invoices += 1;
        Ok(())
    }

    // ---- technicians ------------------------------------------------------------------------

    async fn technicians(&mut self) -> Res<()> {
        for (borough, place) in BOROUGHS.iter().enumerate() {
            for (profile, base_skills) in trade::PROFILES.iter().enumerate() {
                let index = borough * trade::PROFILES.len() + profile;
                let name = trade::TECHNICIAN_NAMES[index];
                let is_demo = borough == PLATEAU && profile == 0;
                // The demo customer's visits have a second technician able to take them (the
                // same trade, next door, every day too), so a dispatcher can move one of them
                // to another row whatever day the demo loads.
                let backs_up_demo = borough == ROSEMONT && profile == 0;
                let home = place.random_point(&mut self.rng)?;
                let mut boroughs = vec![borough];
                if is_demo {
                    boroughs.extend([VILLE_MARIE, ROSEMONT]);
                } else if self.rng.chance(0.5) {
                    boroughs.push(self.rng.of(place.neighbours));
                }
                if backs_up_demo && !boroughs.contains(&PLATEAU) {
                    boroughs.push(PLATEAU);
                }
                let skills: Vec<(usize, i64)> = base_skills
                    .iter()
                    .map(|&(c, r)| (c, (r + self.rng.range(0, 2)).min(10)))
                    .collect();
                let shift = if is_demo || backs_up_demo {
                    &trade::EVERY_DAY
                } else {
                    &trade::SHIFTS[(profile + borough) % trade::SHIFTS.len()]
                };
                let mut weekly = Vec::new();
                let mut periods = Vec::new();
                for &d in shift.days {
                    for &(s, e) in shift.periods {
                        weekly.push((d, s, e));
                        periods.push(WorkingPeriod::new(weekday_from_iso(i64::from(d))?, s, e)?);
                    }
                }
                let user = if is_demo {
                    let u = self
                        .user(
                            "technician@demo.test",
                            name,
                            None,
                            None,
                            &[Role::Technician],
                        )
                        .await?;
                    self.users.technician = Some(u);
                    Some(u)
                } else {
                    None
                };
                let territories: Vec<TerritoryId> =
                    boroughs.iter().map(|&b| self.territory_ids[b]).collect();
                let levels = self.skill_levels(&skills)?;
                let id = technicians::insert_technician(
                    self.conn,
                    &NewTechnician {
                        name,
                        kind: ResourceKind::User,
                        user_id: user,
                        home_base: home,
                        time_zone: &self.tz,
                        weekly_hours: &periods,
                        territories: &territories,
                        skills: &levels,
                        active: true,
                    },
                )
                .await?;
                if is_demo {
                    self.demo_tech = self.techs.len();
                }
                let mut tech = Tech {
                    id,
                    user,
                    home,
                    boroughs,
                    skills,
                    weekly,
                    exceptions: Vec::new(),
                    time_off: Vec::new(),
                    jobs: Vec::new(),
                };
                // A few absences and changed days, away from the demo technician.
                let absences: &[(usize, i64, i64, &str)] = &[
                    (3, -33, -29, "Vacances"),
                    (16, -12, -10, "Formation gaz naturel — training"),
                    (22, 4, 8, "Vacances"),
                    (31, 1, 2, "Rendez-vous médical"),
                ];
                for &(who, first, last, reason) in absences {
                    if who == index {
                        let from = self.at(self.day(first)?, 0)?;
                        let to = self.at(self.day(last + 1)?, 0)?;
                        technicians::add_time_off(self.conn, id, from, to, Some(reason)).await?;
                        tech.time_off.push((first, last));
                    }
                }
                let changed: &[DayChange] = &[
                    (9, -20, None),
                    (12, -5, Some((600, 840))),
                    (27, 3, Some((480, 720))),
                ];
                for &(who, offset, hours) in changed {
                    if who == index {
                        let h = hours.map(|(s, e)| DayHours::new(s, e)).transpose()?;
                        technicians::set_working_exception(self.conn, id, self.day(offset)?, h)
                            .await?;
                        tech.exceptions.push((offset, hours));
                    }
                }
                tech.jobs = self.jobs_for(&tech);
                self.techs.push(tech);
            }
        }
        self.summary.technicians = self.techs.len();
        Ok(())
    }

    fn jobs_for(&self, tech: &Tech) -> Vec<(usize, usize)> {
        let has = |needs: &[(usize, i64)]| {
            needs
                .iter()
                .all(|&(c, min)| tech.skills.iter().any(|&(k, r)| k == c && r >= min))
        };
        let mut out = Vec::new();
        for (ci, c) in self.customers.iter().enumerate() {
            if !tech.boroughs.contains(&c.borough) {
                continue;
            }
            for (ji, j) in c.jobs.iter().enumerate() {
                let st = &SERVICE_TYPES[j.service];
                if st.active && has(st.skills) && has(j.asset_skills) {
                    out.push((ci, ji));
                }
            }
        }
        out
    }

    /// The working periods of a technician on a day: the exception if any, else the weekly
    /// template; none during time off.
    fn periods(&self, tech: &Tech, offset: i64, weekday: Weekday) -> Vec<(u16, u16)> {
        if tech
            .time_off
            .iter()
            .any(|&(a, b)| (a..=b).contains(&offset))
        {
            return Vec::new();
        }
        if let Some((_, hours)) = tech.exceptions.iter().find(|(o, _)| *o == offset) {
            return hours.iter().copied().collect();
        }
        let iso = weekday.to_monday_one_offset();
        tech.weekly
            .iter()
            .filter(|(d, _, _)| *d == iso)
            .map(|&(_, s, e)| (s, e))
            .collect()
    }

    // ---- visits -----------------------------------------------------------------------------

    async fn visits(&mut self) -> Res<()> {
        struct Planned {
            tech: usize,
            offset: i64,
            day: Date,
            customer: usize,
            job: usize,
            start: i64,
            end: i64,
            travel: i64,
            pinned: Option<Pinned>,
        }
        // The demo customer's own visits, by the demo technician.
        let rtu = self.demo_asset(trade::ROOFTOP_UNIT.name);
        let bms = self.demo_asset(trade::BMS_CONTROLLER.name);
        let job_on = |asset: Option<AssetId>, service: usize, c: &Customer| {
            c.jobs
                .iter()
                .position(|j| j.asset == asset && j.service == service)
        };
        let demo = &self.customers[self.demo_customer];
        let mut pins: Vec<(i64, usize, Pinned)> = Vec::new();
        for (offset, asset, service, pinned) in [
            (-35, rtu, trade::RTU_START_UP, Pinned::Completed),
            (-14, rtu, trade::AC_REPAIR, Pinned::Canceled),
            (-7, bms, trade::BMS_TUNE_UP, Pinned::Completed),
            (0, rtu, trade::AC_REPAIR, Pinned::Scheduled),
            (6, rtu, trade::RTU_START_UP, Pinned::Scheduled),
        ] {
            if let Some(job) = job_on(asset, service, demo) {
                pins.push((offset, job, pinned));
            }
        }

        let mut planned = Vec::new();
        for offset in -HISTORY_DAYS..=UPCOMING_DAYS {
            let day = self.day(offset)?;
            for t in 0..self.techs.len() {
                let periods = self.periods(&self.techs[t], offset, day.weekday());
                if periods.is_empty() {
                    continue;
                }
                let available: i64 = periods.iter().map(|&(s, e)| i64::from(e - s)).sum();
                let load = match offset {
                    o if o < 0 => 0.35 + 0.25 * self.rng.unit(),
                    0 => 0.6,
                    o => (0.55 - 0.03 * o as f64).max(0.15),
                };
                let target = (available as f64 * load) as i64;
                let demo_customer = self.demo_customer;
                let forced: Vec<(Candidate, Pinned)> = if t == self.demo_tech {
                    pins.iter()
                        .filter(|(o, _, _)| *o == offset)
                        .map(|&(_, job, pinned)| {
                            let c = &self.customers[demo_customer];
                            let minutes = SERVICE_TYPES[c.jobs[job].service].minutes;
                            (
                                Candidate {
                                    key: pack(demo_customer, job),
                                    location: c.location,
                                    minutes,
                                },
                                pinned,
                            )
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                let forced_candidates: Vec<Candidate> = forced.iter().map(|(c, _)| *c).collect();
                let tech = &self.techs[t];
                let customers = &self.customers;
                let day_plan = Day {
                    periods: &periods,
                    home: tech.home,
                    target_minutes: target,
                    speed_kmh: self.speed_kmh,
                    road_factor: self.road_factor,
                };
                let placed =
                    schedule::plan_day(&mut self.rng, &day_plan, &forced_candidates, |rng| {
                        for _ in 0..6 {
                            let &(ci, ji) = rng.pick(&tech.jobs)?;
                            let c = &customers[ci];
                            // Closed accounts and the demo account's own schedule (pinned) get no
                            // random upcoming visits.
                            if offset >= 0 && (!c.active || ci == demo_customer) {
                                continue;
                            }
                            let minutes = SERVICE_TYPES[c.jobs[ji].service].minutes;
                            return Some(Candidate {
                                key: pack(ci, ji),
                                location: c.location,
                                minutes,
                            });
                        }
                        None
                    });
                for p in placed {
                    let (customer, job) = unpack(p.candidate.key);
                    let pinned = forced
                        .iter()
                        .find(|(c, _)| c.key == p.candidate.key)
                        .map(|(_, pin)| *pin);
                    planned.push(Planned {
                        tech: t,
                        offset,
                        day,
                        customer,
                        job,
                        start: p.start,
                        end: p.end,
                        travel: p.travel,
                        pinned,
                    });
                }
            }
        }

        for v in planned {
            let outcome = match v.pinned {
                Some(Pinned::Completed) => Outcome::Completed,
                Some(Pinned::Canceled) => Outcome::Canceled,
                Some(Pinned::Scheduled) => Outcome::Scheduled,
                None if v.offset < 0 => {
                    if self.rng.chance(0.1) {
                        Outcome::Canceled
                    } else {
                        Outcome::Completed
                    }
                }
                None if v.offset > 0 && self.rng.chance(0.04) => Outcome::Canceled,
                None => Outcome::Scheduled,
            };
            let start = self.at(v.day, v.start)?;
            let end = self.at(v.day, v.end)?;
            self.visit(VisitPlan {
                tech: v.tech,
                customer: v.customer,
                job: v.job,
                day: v.day,
                start,
                end,
                travel: v.travel,
                outcome,
                pinned: v.pinned.is_some(),
            })
            .await?;
            if v.offset == 0 {
                self.summary.today_visits += 1;
            }
        }
        Ok(())
    }

    /// Writes one visit: its work order, the booking with its history, and its invoice.
    async fn visit(&mut self, v: VisitPlan) -> Res<()> {
        let VisitPlan {
            tech,
            customer,
            job,
            day,
            start,
            end,
            travel,
            outcome,
            pinned,
        } = v;
        let today_start = self.today_start()?;
        let minute = |m: i64| jiff::SignedDuration::from_mins(m);
        let (account, location) = (
            self.customers[customer].id,
            self.customers[customer].location,
        );
        let (asset, service) = (
            self.customers[customer].jobs[job].asset,
            self.customers[customer].jobs[job].service,
        );
        let st = &SERVICE_TYPES[service];
        let is_demo_customer = customer == self.demo_customer;

        // When it was booked: days before, and always before the day the demo is loaded.
        let mut booked_at = start - minute(self.rng.range(1, 21) * 1440 + self.rng.range(0, 480));
        booked_at = booked_at.min(today_start - minute(self.rng.range(5, 600)));
        let booked_by = if is_demo_customer {
            self.users.customer
        } else if !st.self_scheduling || self.rng.chance(0.5) {
            self.users.dispatcher
        } else {
            None
        };

        let agreement = if st.maintenance {
            self.customers[customer]
                .agreements
                .iter()
                .find(|(_, a, b)| *a <= day && day <= *b)
                .map(|(id, _, _)| *id)
        } else {
            None
        };
        // Completed visits are invoiced unless an agreement covers them; a few wait for a
        // return visit (parts ordered) and stay in progress.
        let follow_up = outcome == Outcome::Completed && !is_demo_customer && self.rng.chance(0.06);
        let invoiced = outcome == Outcome::Completed
            && agreement.is_none()
            && !follow_up
            && self.rng.chance(0.9);

        let summary = match st.summaries.len() {
            0 => None,
            _ => Some(self.rng.of(st.summaries)),
        };
        let summary = if follow_up {
            Some("Parts ordered — return visit to schedule / Pièces commandées")
        } else {
            summary
        };
        let number = format!("WO-{:06}", self.next_work_order);
        self.next_work_order += 1;
        let invoice_status = if invoiced {
            Some(self.invoice_status(day)?)
        } else {
            None
        };
        let status = match outcome {
            Outcome::Scheduled => WorkOrderStatus::Scheduled,
            Outcome::Canceled => WorkOrderStatus::Canceled,
            Outcome::Completed if follow_up => WorkOrderStatus::InProgress,
            // Posted once its invoice is out.
            Outcome::Completed
                if matches!(
                    invoice_status,
                    Some(InvoiceStatus::Issued | InvoiceStatus::Paid)
                ) =>
            {
                WorkOrderStatus::Posted
            }
            Outcome::Completed => WorkOrderStatus::Completed,
        };
        let wo = work_orders::insert_work_order(
            self.conn,
            &NewWorkOrder {
                number: &number,
                account_id: account,
                asset_id: asset,
                service_type_id: self.service_type_ids[service],
                agreement_id: agreement,
                status,
                summary,
                expose_to_customer: is_demo_customer || !self.rng.chance(0.03),
                created_at: booked_at,
            },
        )
        .await?;
        self.summary.work_orders += 1;

        let tech_user = self.techs[tech].user;
        let canceler = if is_demo_customer {
            self.users.customer
        } else {
            self.users.dispatcher
        };
        let reason = if pinned {
            "Boulangerie fermée pour rénovations — closed for renovations"
        } else {
            self.rng.of(CANCEL_REASONS)
        };
        let note = self.rng.of(COMPLETION_NOTES);
        let history: Vec<RecordedTransition<'_>> = match outcome {
            Outcome::Scheduled => Vec::new(),
            Outcome::Canceled => {
                // Canceled some time between booking and the visit, and before today.
                let span = (start.min(today_start).as_second() - booked_at.as_second()).max(60);
                let at = booked_at
                    + jiff::SignedDuration::from_secs(
                        (span as f64 * (0.3 + 0.65 * self.rng.unit())) as i64,
                    );
                vec![RecordedTransition {
                    action: BookingAction::Cancel,
                    at,
                    actor: canceler,
                    note: Some(reason),
                }]
            }
            Outcome::Completed => {
                let travel_at = start - minute(travel);
                let work_at = start + minute(self.rng.range(0, 5));
                let done_at = (end - minute(self.rng.range(0, 10))).max(work_at + minute(5));
                vec![
                    RecordedTransition {
                        action: BookingAction::StartTravel,
                        at: travel_at,
                        actor: tech_user,
                        note: None,
                    },
                    RecordedTransition {
                        action: BookingAction::StartWork,
                        at: work_at,
                        actor: tech_user,
                        note: None,
                    },
                    RecordedTransition {
                        action: BookingAction::Complete,
                        at: done_at,
                        actor: tech_user,
                        note: Some(note),
                    },
                ]
            }
        };
        let uid = format!("{number}@demo.onsite");
        bookings::insert_booking_with_history(
            self.conn,
            &NewBooking {
                work_order_id: wo,
                technician_id: self.techs[tech].id,
                starts_at: start,
                ends_at: end,
                location,
                ics_uid: &uid,
                idempotency_key: None,
                booked_by,
                booked_at,
            },
            &history,
        )
        .await?;
        self.summary.bookings += 1;
        match outcome {
            Outcome::Completed => self.summary.completed += 1,
            Outcome::Canceled => self.summary.canceled += 1,
            Outcome::Scheduled => self.summary.scheduled += 1,
        }

        if let Some(invoice_status) = invoice_status {
            // Labour in quarter hours of the planned duration, the service call, and parts.
            let quarters = (st.minutes + 14) / 15;
            let mut lines = vec![
                InvoiceLine {
                    description: format!("Labour — main-d'œuvre: {}", st.name),
                    quantity_milli: quarters * 250,
                    unit_price_minor: st.rate,
                    tax_rate_milli_percent: QUEBEC_TAX,
                },
                InvoiceLine {
                    description: "Service call / Frais de déplacement".to_owned(),
                    quantity_milli: 1000,
                    unit_price_minor: SERVICE_CALL_CENTS,
                    tax_rate_milli_percent: QUEBEC_TAX,
                },
            ];
            let parts = self.rng.range(0, 2) as usize;
            for i in self.rng.sample(st.parts.len(), parts) {
                let (description, price) = st.parts[i];
                let quantity = if description.contains("(lb)") {
                    self.rng.range(1, 4)
                } else {
                    1
                };
                lines.push(InvoiceLine {
                    description: description.to_owned(),
                    quantity_milli: quantity * 1000,
                    unit_price_minor: price,
                    tax_rate_milli_percent: QUEBEC_TAX,
                });
            }
            self.invoice(account, Some(wo), None, day, lines, invoice_status)
                .await?;
        }
        Ok(())
    }

    // ---- work orders without visits ---------------------------------------------------------

    async fn open_work_orders(&mut self) -> Res<()> {
        let today_start = self.today_start()?;
        let compressor = self.demo_asset("Compressor");
        // The demo customer has two estimates waiting, so an approver can approve one and
        // reject the other.
        let mut list: Vec<(usize, Option<AssetId>, usize, WorkOrderStatus, String)> = vec![
            (
                self.demo_customer,
                compressor,
                trade::AC_REPAIR,
                WorkOrderStatus::EstimatePending,
                "Estimate: replace the rooftop unit compressor — 4 850 $ + taxes / Soumission : remplacement du compresseur"
                    .to_owned(),
            ),
            (
                self.demo_customer,
                None,
                trade::PANEL_INSPECTION,
                WorkOrderStatus::EstimatePending,
                "Estimate: upgrade the electrical panel to 200 A — 2 850 $ + taxes / Soumission : panneau électrique de 200 A"
                    .to_owned(),
            ),
        ];
        let estimates: [(&str, usize, i64); 5] = [
            (
                "Estimate: convert the gas furnace to a cold-climate heat pump",
                trade::HEAT_PUMP_INSTALL,
                1_480_000,
            ),
            (
                "Estimate: replace the walk-in cooler evaporator",
                trade::REFRIGERATION_SERVICE,
                395_000,
            ),
            (
                "Estimate: upgrade the electrical panel to 200 A",
                trade::PANEL_INSPECTION,
                285_000,
            ),
            (
                "Estimate: replace the boiler circulator pump",
                trade::BOILER_INSPECTION,
                129_000,
            ),
            (
                "Estimate: new water heater, 60 gal",
                trade::WATER_HEATER_REPAIR,
                189_500,
            ),
        ];
        let candidates: Vec<usize> = (0..self.customers.len())
            .filter(|&i| i != self.demo_customer && self.customers[i].active)
            .collect();
        for i in 0..11 {
            let Some(&c) = self.rng.pick(&candidates) else {
                break;
            };
            let (text, service, cents) = estimates[i % estimates.len()];
            let asset = self.customers[c]
                .jobs
                .iter()
                .find(|j| j.service == service)
                .and_then(|j| j.asset);
            let amount = format_dollars(cents);
            list.push((
                c,
                asset,
                service,
                WorkOrderStatus::EstimatePending,
                format!("{text} — {amount} + taxes"),
            ));
        }
        for _ in 0..15 {
            let Some(&c) = self.rng.pick(&candidates) else {
                break;
            };
            let Some(job) = self.rng.pick(&self.customers[c].jobs) else {
                continue;
            };
            let (asset, service) = (job.asset, job.service);
            let text = self.rng.of(&[
                "Waiting for parts / En attente de pièces",
                "Customer will call back to book / Le client rappellera",
            ]);
            list.push((
                c,
                asset,
                service,
                WorkOrderStatus::Unscheduled,
                text.to_owned(),
            ));
        }
        for (c, asset, service, status, summary) in list {
            let number = format!("WO-{:06}", self.next_work_order);
            self.next_work_order += 1;
            let created_at =
                today_start - jiff::SignedDuration::from_mins(self.rng.range(60, 12 * 1440));
            work_orders::insert_work_order(
                self.conn,
                &NewWorkOrder {
                    number: &number,
                    account_id: self.customers[c].id,
                    asset_id: asset,
                    service_type_id: self.service_type_ids[service],
                    agreement_id: None,
                    status,
                    summary: Some(&summary),
                    expose_to_customer: true,
                    created_at,
                },
            )
            .await?;
            self.summary.work_orders += 1;
        }
        Ok(())
    }
}

/// A visit placed on the schedule, with how it turned out.
struct VisitPlan {
    tech: usize,
    customer: usize,
    job: usize,
    day: Date,
    start: Timestamp,
    end: Timestamp,
    /// Minutes of travel before it.
    travel: i64,
    outcome: Outcome,
    /// One of the demo customer's own visits.
    pinned: bool,
}

/// (technician index, day offset, hours that day or `None` for a day off).
type DayChange = (usize, i64, Option<(u16, u16)>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pinned {
    Completed,
    Canceled,
    Scheduled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Completed,
    Canceled,
    Scheduled,
}

/// The last day of a one-year term starting on `start`. (Two steps: a jiff span has one sign,
/// so "one year minus one day" cannot be a single span.)
fn last_day_of_year_from(start: Date) -> Res<Date> {
    Ok(start
        .checked_add(Span::new().years(1))?
        .checked_sub(Span::new().days(1))?)
}

/// The first day of a one-year term ending on `end`.
fn first_day_of_year_to(end: Date) -> Res<Date> {
    Ok(end
        .checked_sub(Span::new().years(1))?
        .checked_add(Span::new().days(1))?)
}

/// A (customer, job) pair as one schedule key.
fn pack(customer: usize, job: usize) -> usize {
    customer * 1024 + job
}

fn unpack(key: usize) -> (usize, usize) {
    (key / 1024, key % 1024)
}

/// `148000` → `1 480 $` (Québec French style, as the estimate text is bilingual).
pub(crate) fn format_dollars(cents: i64) -> String {
    let dollars = cents / 100;
    let digits = dollars.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    format!("{out} $")
}

const CANCEL_REASONS: &[&str] = &[
    "Customer rescheduled by phone",
    "Client absent — accès impossible",
    "Issue solved before the visit",
    "Commerce fermé ce jour-là",
    "Duplicate request",
    "Technicien malade — visite à replanifier",
    "Customer chose another date",
];

const COMPLETION_NOTES: &[&str] = &[
    "Work completed; system running normally.",
    "Travaux terminés, tout fonctionne.",
    "Cleaned, tested, customer informed.",
    "Pièce remplacée, essai concluant.",
    "Inspection done — report sent to the customer.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_are_grouped_by_thousands() {
        assert_eq!(format_dollars(1_480_000), "14 800 $");
        assert_eq!(format_dollars(485_000), "4 850 $");
        assert_eq!(format_dollars(99_00), "99 $");
        assert_eq!(format_dollars(129_000_000), "1 290 000 $");
    }

    #[test]
    fn one_year_terms() {
        use jiff::civil::date;
        assert_eq!(
            last_day_of_year_from(date(2026, 3, 1)).unwrap(),
            date(2027, 2, 28)
        );
        assert_eq!(
            first_day_of_year_to(date(2027, 2, 28)).unwrap(),
            date(2026, 3, 1)
        );
        assert_eq!(
            last_day_of_year_from(date(2024, 2, 29)).unwrap(),
            date(2025, 2, 27)
        );
    }

    #[test]
    fn schedule_keys_round_trip() {
        assert_eq!(unpack(pack(215, 17)), (215, 17));
        assert_eq!(unpack(pack(0, 0)), (0, 0));
    }

    #[test]
    fn borough_constants_match_the_city() {
        assert_eq!(BOROUGHS[PLATEAU].name, "Le Plateau-Mont-Royal");
        assert_eq!(BOROUGHS[VILLE_MARIE].name, "Ville-Marie");
        assert_eq!(BOROUGHS[ROSEMONT].name, "Rosemont–La Petite-Patrie");
    }
}
