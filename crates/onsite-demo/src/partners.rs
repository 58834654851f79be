//! The demo's partners (resellers and subcontractors) and the sales opportunities distributed
//! to them over the last four months, with the event history the distribution metrics read.
//!
//! Every distribution respects the rules of SPEC §9: the partner serves the customer's
//! territory, works the lead type, covers every product, takes the estimated revenue, and had
//! room under its capacity for the opportunities still open.

use crate::build::{Builder, Res};
use crate::city::{self, BOROUGHS, LAST_NAMES};
use crate::trade::{LEAD_TYPES, PARTNERS, PRODUCTS, PRODUCTS_BY_LEAD};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::account::AccountKind;
use onsite_domain::opportunity::OpportunityStatus;
use onsite_domain::role::Role;
use onsite_domain::{AccountId, OpportunityId};
use onsite_store::accounts;
use onsite_store::partners::{
    self, LeadType, NewOpportunity, NewPartnerProfile, OpportunityEvent, OpportunityEventKind,
};

const OPPORTUNITIES: usize = 96;
/// The partner the `partner@demo.test` sign-in belongs to.
const DEMO_PARTNER: usize = 0;

struct Partner {
    id: AccountId,
    open: u32,
}

/// What an opportunity is about, before it is placed with a partner.
struct Lead {
    borough: usize,
    lead_type: usize,
    products: Vec<usize>,
    revenue: i64,
}

pub(crate) async fn partners_and_opportunities(b: &mut Builder<'_>) -> Res<()> {
    let mut list = Vec::new();
    for (i, def) in PARTNERS.iter().enumerate() {
        let address = b.address(def.borough, None, None)?;
        let id = accounts::insert_account(
            b.conn,
            &accounts::NewAccount {
                kind: AccountKind::Partner,
                name: def.name,
                active: true,
                address: &address,
                territory_id: Some(b.territory_ids[def.borough]),
            },
        )
        .await?;
        let domain = city::email_domain(def.name);
        let (first, last) = def.contact;
        let email = if i == DEMO_PARTNER {
            "partner@demo.test".to_owned()
        } else {
            format!("{}@{domain}", city::ascii_slug(first))
        };
        let contact = b.contact(id, first, last, &email, true).await?;
        if i == DEMO_PARTNER {
            let name = format!("{first} {last}");
            b.users.partner = Some(
                b.user(
                    "partner@demo.test",
                    &name,
                    None,
                    Some(contact),
                    &[Role::Partner],
                )
                .await?,
            );
        }
        let (f, l) = b.person();
        let sales = format!("{}.{}@{domain}", city::ascii_slug(f), city::ascii_slug(l));
        b.contact(id, f, l, &sales, false).await?;
        let lead_types = def
            .lead_types
            .iter()
            .map(|&l| LeadType::parse(LEAD_TYPES[l]))
            .collect::<Result<Vec<_>, _>>()?;
        let territories: Vec<_> = def
            .territories
            .iter()
            .map(|&t| b.territory_ids[t])
            .collect();
        let products: Vec<_> = def.products.iter().map(|&p| b.product_ids[p]).collect();
        partners::set_partner_profile(
            b.conn,
            &NewPartnerProfile {
                account_id: id,
                capacity: def.capacity,
                revenue_min_minor: def.revenue.0,
                revenue_max_minor: def.revenue.1,
                territories: &territories,
                lead_types: &lead_types,
                products: &products,
            },
        )
        .await?;
        list.push(Partner { id, open: 0 });
    }
    b.summary.partner_accounts = list.len();

    let today_start = b.today_start()?;
    // The demo partner gets a known spread first, so its sign-in shows every state.
    let forced = [
        OpportunityStatus::Distributed,
        OpportunityStatus::Distributed,
        OpportunityStatus::InProgress,
        OpportunityStatus::InProgress,
        OpportunityStatus::InProgress,
        OpportunityStatus::InProgress,
        OpportunityStatus::Won,
        OpportunityStatus::Won,
        OpportunityStatus::Won,
        OpportunityStatus::Lost,
        OpportunityStatus::Lost,
    ];
    for n in 0..OPPORTUNITIES {
        let (lead, status, only) = if let Some(&status) = forced.get(n) {
            (lead_for(b, DEMO_PARTNER), status, Some(DEMO_PARTNER))
        } else {
            let status = if n < forced.len() + 4 {
                OpportunityStatus::New
            } else {
                match b.rng.unit() {
                    r if r < 0.10 => OpportunityStatus::New,
                    r if r < 0.22 => OpportunityStatus::Distributed,
                    r if r < 0.50 => OpportunityStatus::InProgress,
                    r if r < 0.77 => OpportunityStatus::Won,
                    _ => OpportunityStatus::Lost,
                }
            };
            // Most leads come from the kind of customer some partner serves; some fit nobody
            // and wait in the pool.
            let lead = if b.rng.chance(0.75) {
                let p = b.rng.below(PARTNERS.len());
                lead_for(b, p)
            } else {
                random_lead(b)
            };
            (lead, status, None)
        };
        opportunity(b, &mut list, lead, status, only, today_start).await?;
    }
    // Opportunities partners found themselves: never counted against their capacity.
    for n in 0..6 {
        let p = n % list.len();
        let lead = lead_for(b, p);
        internal_opportunity(b, &list, p, lead, today_start).await?;
    }
    Ok(())
}

fn eligible(p: usize, lead: &Lead) -> bool {
    let def = &PARTNERS[p];
    def.territories.contains(&lead.borough)
        && def.lead_types.contains(&lead.lead_type)
        && lead.products.iter().all(|x| def.products.contains(x))
        && (def.revenue.0..=def.revenue.1).contains(&lead.revenue)
}

fn random_lead(b: &mut Builder<'_>) -> Lead {
    let borough = b.rng.below(BOROUGHS.len());
    let lead_type = match b.rng.unit() {
        r if r < 0.5 => 0,
        r if r < 0.85 => 1,
        _ => 2,
    };
    let choices = PRODUCTS_BY_LEAD[lead_type];
    let count = b.rng.range(1, 2) as usize;
    let products: Vec<usize> = b
        .rng
        .sample(choices.len(), count)
        .into_iter()
        .map(|i| choices[i])
        .collect();
    let revenue = revenue_of(b, &products);
    Lead {
        borough,
        lead_type,
        products,
        revenue,
    }
}

/// A lead the given partner can take (its territories, lead types, products and range).
fn lead_for(b: &mut Builder<'_>, p: usize) -> Lead {
    let def = &PARTNERS[p];
    for _ in 0..50 {
        let borough = b.rng.of(def.territories);
        let lead_type = b.rng.of(def.lead_types);
        let fits: Vec<usize> = PRODUCTS_BY_LEAD[lead_type]
            .iter()
            .copied()
            .filter(|x| def.products.contains(x))
            .collect();
        if fits.is_empty() {
            continue;
        }
        let product = fits[b.rng.below(fits.len())];
        let revenue = revenue_of(b, &[product]).clamp(def.revenue.0, def.revenue.1);
        let lead = Lead {
            borough,
            lead_type,
            products: vec![product],
            revenue,
        };
        if eligible(p, &lead) {
            return lead;
        }
    }
    // Every partner definition has at least one consistent combination (tested); this keeps the
    // function total.
    Lead {
        borough: def.territories[0],
        lead_type: def.lead_types[0],
        products: Vec::new(),
        revenue: def.revenue.0,
    }
}

fn revenue_of(b: &mut Builder<'_>, products: &[usize]) -> i64 {
    let cents: i64 = products
        .iter()
        .map(|&p| b.rng.range(PRODUCTS[p].2, PRODUCTS[p].3))
        .sum();
    // Estimates are rounded to the hundred dollars.
    (cents / 10_000).max(1) * 10_000
}

fn customer_name(b: &mut Builder<'_>, lead_type: usize) -> String {
    let last = b.rng.of(LAST_NAMES);
    match lead_type {
        0 => {
            let first = b.rng.of(city::FIRST_NAMES);
            format!("{first} {last}")
        }
        1 => format!(
            "{} {last}",
            b.rng.of(city::FOOD_KINDS
                .iter()
                .chain(city::OFFICE_KINDS)
                .copied()
                .collect::<Vec<_>>()
                .as_slice())
        ),
        _ => {
            let kind = b.rng.of(&[
                "École",
                "CPE",
                "Résidence pour aînés",
                "Centre communautaire",
                "Bibliothèque",
            ]);
            format!("{kind} {last}")
        }
    }
}

async fn event(
    b: &mut Builder<'_>,
    id: OpportunityId,
    partner: Option<AccountId>,
    kind: OpportunityEventKind,
    at: Timestamp,
    note: Option<&str>,
) -> Res<()> {
    partners::record_opportunity_event(
        b.conn,
        &OpportunityEvent {
            opportunity_id: id,
            partner_account_id: partner,
            kind,
            at,
            note: note.map(str::to_owned),
        },
    )
    .await?;
    Ok(())
}

fn minutes(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

const STAGES: [&str; 3] = ["qualify", "propose", "negotiate"];

async fn opportunity(
    b: &mut Builder<'_>,
    list: &mut [Partner],
    lead: Lead,
    mut status: OpportunityStatus,
    only: Option<usize>,
    today_start: Timestamp,
) -> Res<()> {
    // Who could take it now; open opportunities also need room under the capacity.
    let candidates: Vec<usize> = (0..PARTNERS.len())
        .filter(|&p| only.is_none_or(|o| o == p))
        .filter(|&p| eligible(p, &lead))
        .filter(|&p| !status.is_open() || list[p].open < PARTNERS[p].capacity)
        .collect();
    let chosen = if status == OpportunityStatus::New {
        None
    } else {
        b.rng.pick(&candidates).copied()
    };
    if chosen.is_none() {
        status = OpportunityStatus::New;
    }
    // How long ago it came in, by how far it got.
    let age_minutes = match status {
        OpportunityStatus::New => b.rng.range(60, 4 * 1440),
        OpportunityStatus::Distributed => b.rng.range(120, 30 * 60),
        OpportunityStatus::InProgress => b.rng.range(5 * 1440, 60 * 1440),
        OpportunityStatus::Won | OpportunityStatus::Lost => b.rng.range(25 * 1440, 120 * 1440),
    };
    let created_at = today_start - minutes(age_minutes);
    let mut at = created_at + minutes(b.rng.range(20, 240).min(age_minutes / 2));
    let name = format!(
        "{} — {}",
        lead.products
            .iter()
            .map(|&p| PRODUCTS[p].1)
            .collect::<Vec<_>>()
            .join(" + "),
        BOROUGHS[lead.borough].name
    );
    let customer = customer_name(b, lead.lead_type);
    let location = BOROUGHS[lead.borough].random_point(&mut b.rng)?;
    let postal_code = BOROUGHS[lead.borough].postal_code(&mut b.rng);
    let lead_type = LeadType::parse(LEAD_TYPES[lead.lead_type])?;
    let products: Vec<_> = lead.products.iter().map(|&p| b.product_ids[p]).collect();

    // Plan the timeline first, then write the opportunity and its events.
    let mut events: Vec<(
        Option<usize>,
        OpportunityEventKind,
        Timestamp,
        Option<&'static str>,
    )> = Vec::new();
    let mut distributed_at = None;
    let mut accepted_at = None;
    let mut closed_at = None;
    let mut stage = None;
    // Sometimes a first partner passed on it (declined, or let it expire) before the one
    // that has it now.
    let others: Vec<usize> = (0..PARTNERS.len())
        .filter(|&p| Some(p) != chosen && eligible(p, &lead))
        .collect();
    // (Only if it is old enough for that to have happened before today.)
    let returned = status == OpportunityStatus::New && age_minutes > 3 * 1440 && b.rng.chance(0.6);
    if (returned || (chosen.is_some() && b.rng.chance(0.2)))
        && status != OpportunityStatus::Distributed
        && let Some(&first) = b.rng.pick(&others)
    {
        events.push((Some(first), OpportunityEventKind::Distributed, at, None));
        if b.rng.chance(0.6) {
            at += minutes(b.rng.range(30, 20 * 60));
            events.push((
                Some(first),
                OpportunityEventKind::Declined,
                at,
                Some("No capacity this month"),
            ));
        } else {
            at += minutes(48 * 60);
            events.push((Some(first), OpportunityEventKind::Expired, at, None));
        }
        at += minutes(b.rng.range(10, 120));
    }
    if let Some(p) = chosen {
        events.push((Some(p), OpportunityEventKind::Distributed, at, None));
        distributed_at = Some(at);
        if status != OpportunityStatus::Distributed {
            at += minutes(b.rng.range(60, 30 * 60));
            events.push((Some(p), OpportunityEventKind::Accepted, at, None));
            accepted_at = Some(at);
            // Work it until a little before today (or its close).
            let horizon = match status {
                OpportunityStatus::Won | OpportunityStatus::Lost => {
                    let span = (today_start.as_second() - at.as_second()) / 60;
                    at + minutes(b.rng.range(span / 3, span * 9 / 10))
                }
                _ => today_start - minutes(b.rng.range(30, 1440)),
            };
            let steps = b.rng.range(1, 3) as usize;
            let total = (horizon.as_second() - at.as_second()) / 60;
            for (s, &name) in STAGES.iter().enumerate().take(steps) {
                let t = at + minutes(total * (s as i64 + 1) / (steps as i64 + 2));
                events.push((
                    Some(p),
                    OpportunityEventKind::Touched,
                    t,
                    Some("Called the customer"),
                ));
                events.push((
                    Some(p),
                    OpportunityEventKind::Stage,
                    t + minutes(5),
                    Some(name),
                ));
                stage = Some(name);
            }
            if matches!(status, OpportunityStatus::Won | OpportunityStatus::Lost) {
                let kind = if status == OpportunityStatus::Won {
                    OpportunityEventKind::Won
                } else {
                    OpportunityEventKind::Lost
                };
                let note = if status == OpportunityStatus::Lost {
                    Some(b.rng.of(&[
                        "Customer chose a competitor",
                        "Budget postponed to next year",
                        "No answer",
                    ]))
                } else {
                    None
                };
                events.push((Some(p), kind, horizon, note));
                closed_at = Some(horizon);
            }
        }
    }
    let partner_id = chosen.map(|p| list[p].id);
    let id = partners::insert_opportunity(
        b.conn,
        &NewOpportunity {
            name: &name,
            customer_name: &customer,
            location,
            postal_code: &postal_code,
            estimated_revenue_minor: lead.revenue,
            lead_type: &lead_type,
            products: &products,
            status,
            stage,
            partner_account_id: partner_id,
            internal: false,
            distributed_at,
            accepted_at,
            closed_at,
            created_at,
        },
    )
    .await?;
    b.summary.opportunities += 1;
    for (p, kind, t, note) in events {
        let partner = p.map(|p| list[p].id);
        event(b, id, partner, kind, t, note).await?;
    }
    if let Some(p) = chosen
        && status.is_open()
    {
        list[p].open += 1;
    }
    Ok(())
}

async fn internal_opportunity(
    b: &mut Builder<'_>,
    list: &[Partner],
    p: usize,
    lead: Lead,
    today_start: Timestamp,
) -> Res<()> {
    let won = b.rng.chance(0.5);
    let created_at = today_start - minutes(b.rng.range(10 * 1440, 90 * 1440));
    let closed = created_at + minutes(b.rng.range(3 * 1440, 9 * 1440));
    let lead_type = LeadType::parse(LEAD_TYPES[lead.lead_type])?;
    let products: Vec<_> = lead.products.iter().map(|&x| b.product_ids[x]).collect();
    let customer = customer_name(b, lead.lead_type);
    let name = format!(
        "{} — {customer}",
        lead.products.first().map_or("Service", |&x| PRODUCTS[x].1)
    );
    let id = partners::insert_opportunity(
        b.conn,
        &NewOpportunity {
            name: &name,
            customer_name: &customer,
            location: BOROUGHS[lead.borough].random_point(&mut b.rng)?,
            postal_code: &BOROUGHS[lead.borough].postal_code(&mut b.rng),
            estimated_revenue_minor: lead.revenue,
            lead_type: &lead_type,
            products: &products,
            status: if won {
                OpportunityStatus::Won
            } else {
                OpportunityStatus::InProgress
            },
            stage: Some("propose"),
            partner_account_id: Some(list[p].id),
            internal: true,
            distributed_at: None,
            accepted_at: Some(created_at),
            closed_at: won.then_some(closed),
            created_at,
        },
    )
    .await?;
    b.summary.opportunities += 1;
    let partner = Some(list[p].id);
    event(
        b,
        id,
        partner,
        OpportunityEventKind::Touched,
        created_at + minutes(90),
        Some("Walk-in customer"),
    )
    .await?;
    event(
        b,
        id,
        partner,
        OpportunityEventKind::Stage,
        created_at + minutes(95),
        Some("propose"),
    )
    .await?;
    if won {
        event(b, id, partner, OpportunityEventKind::Won, closed, None).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_partner_can_take_some_lead() {
        for (p, def) in PARTNERS.iter().enumerate() {
            let ok = def.territories.iter().any(|&t| {
                def.lead_types.iter().any(|&l| {
                    PRODUCTS_BY_LEAD[l]
                        .iter()
                        .filter(|x| def.products.contains(x))
                        .any(|&x| {
                            let (lo, hi) = (
                                PRODUCTS[x].2.max(def.revenue.0),
                                PRODUCTS[x].3.min(def.revenue.1),
                            );
                            lo <= hi
                                && eligible(
                                    p,
                                    &Lead {
                                        borough: t,
                                        lead_type: l,
                                        products: vec![x],
                                        revenue: lo,
                                    },
                                )
                        })
                })
            });
            assert!(ok, "{} can take no lead", def.name);
            assert!(!def.territories.is_empty() && !def.lead_types.is_empty() && def.capacity > 0);
        }
        assert_eq!(PARTNERS[DEMO_PARTNER].contact, ("Sophie", "Bergeron"));
    }
}
