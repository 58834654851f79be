//! The technicians' pages: the list (search, active or not, keyset pages), **New technician**,
//! and each technician's page with its forms — the profile (name, home base on the map, time
//! zone, working-hours template, territories, skills with ratings), the days that differ from
//! the template, time off, the sign-in (administrators) and deactivation. After a change that
//! queued reassignment the page says what happened to the booked visits. A refused form is
//! shown again with what was typed and a message naming the field; nothing changes.

use super::{
    JobsQuery, ReportView, TECHNICIANS, after_change, parse_version, report_view, weekday_label,
};
use crate::forms::FieldErrors;
use crate::guard::{encode_component, see_other};
use crate::input::{PathId, parse_id};
use crate::layout::{Page, render_with_status};
use crate::map_point::{self, MapPoint};
use crate::picker::Choice;
use crate::session::{CurrentUser, Granted};
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use onsite_app::failure::Failure;
use onsite_app::policy::{Admin, Capability, Staff};
use onsite_app::workforce::{
    self, Choices, Reassignment, SignInInput, TechnicianInput, TechnicianPage, WorkforceError,
};
use onsite_domain::skill::Rating;
use onsite_domain::technician::ResourceKind;
use onsite_domain::working_hours::{WEEKDAYS, WeeklyHours};
use onsite_domain::{
    CharacteristicId, InvalidInput, TechnicianId, TerritoryId, UserId, WorkingHoursTemplateId,
};
use onsite_store::technicians::{LinkedUser, StaffTechnician, TechnicianFilter};

// ---- The list -------------------------------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Part of a name.
    q: String,
    /// `active`, `inactive`, or empty for all.
    status: String,
    /// The page token (empty: the first page).
    cursor: String,
}

struct Row {
    id: TechnicianId,
    name: String,
    active: bool,
    /// The resource kind when it is not a person (a crew, equipment).
    kind: Option<String>,
    hours: String,
    territories: String,
    user: String,
}

#[derive(Template)]
#[template(path = "staff/workforce/technicians.html")]
struct ListPage {
    page: Page,
    search: String,
    status: String,
    rows: Vec<Row>,
    next: Option<String>,
    prev: Option<String>,
    errors: FieldErrors,
}

impl ListPage {
    fn link(&self, cursor: &str) -> String {
        format!(
            "{TECHNICIANS}?q={}&status={}&cursor={}",
            encode_component(&self.search),
            encode_component(&self.status),
            encode_component(cursor)
        )
    }
}

fn status_filter(raw: &str) -> Result<Option<bool>, InvalidInput> {
    match raw.trim() {
        "" => Ok(None),
        "active" => Ok(Some(true)),
        "inactive" => Ok(Some(false)),
        _ => Err(InvalidInput::new("status", "unknown")),
    }
}

/// `GET /staff/technicians`: the technicians by name, searchable, active or not, a page at a
/// time. A filter that cannot be read is answered 422 with the form and a message naming it.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let mut view = ListPage {
        search: query.q.trim().to_owned(),
        status: query.status.trim().to_owned(),
        rows: Vec::new(),
        next: None,
        prev: None,
        errors: FieldErrors::new(),
        page,
    };
    let listed = match status_filter(&query.status) {
        Ok(active) => {
            let filter = TechnicianFilter {
                search: view.search.clone(),
                active,
            };
            workforce::technicians(&state.app, staff, &filter, &query.cursor).await
        }
        Err(e) => Err(e.into()),
    };
    let found = match listed {
        Ok(found) => found,
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            view.errors.add_failure(view.page.locale, &e);
            return render_with_status(crate::error::form_status(&e), &view);
        }
        Err(e) => return Err(e.into()),
    };
    let own = view.page.t("workforce-own-hours");
    view.rows = found
        .items
        .into_iter()
        .map(|t| Row {
            kind: (t.kind != ResourceKind::User)
                .then(|| view.page.t(&format!("workforce-kind-{}", t.kind.as_str()))),
            hours: t.template.unwrap_or_else(|| own.clone()),
            territories: t.territories.join(", "),
            user: t.user_email.unwrap_or_default(),
            id: t.id,
            name: t.name,
            active: t.active,
        })
        .collect();
    view.next = found.next.map(|c| view.link(c.as_str()));
    view.prev = found.prev.map(|c| view.link(c.as_str()));
    render_with_status(StatusCode::OK, &view)
}

// ---- The profile form -----------------------------------------------------------------------

/// The profile form as typed: `name`, `latitude`, `longitude`, `time_zone`,
/// `working_hours_template`, `territory-<id>` (ticked), `skill-<id>` (a rating, or empty),
/// `seen_version`.
#[derive(Debug, Clone, Default)]
struct ProfileForm {
    name: String,
    latitude: String,
    longitude: String,
    time_zone: String,
    template: String,
    territories: Vec<String>,
    skills: Vec<(String, String)>,
    seen_version: String,
}

impl ProfileForm {
    fn from_pairs(pairs: &[(String, String)]) -> ProfileForm {
        let mut form = ProfileForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "name" => form.name = value.clone(),
                "latitude" => form.latitude = value.clone(),
                "longitude" => form.longitude = value.clone(),
                "time_zone" => form.time_zone = value.clone(),
                "working_hours_template" => form.template = value.clone(),
                "seen_version" => form.seen_version = value.clone(),
                _ => {
                    if let Some(id) = key.strip_prefix("territory-") {
                        form.territories.push(id.to_owned());
                    } else if let Some(id) = key.strip_prefix("skill-")
                        && !value.trim().is_empty()
                    {
                        form.skills.push((id.to_owned(), value.clone()));
                    }
                }
            }
        }
        form
    }

    /// The form of a stored technician.
    fn of(t: &StaffTechnician) -> ProfileForm {
        let tech = &t.technician;
        let (latitude, longitude) = MapPoint::text(tech.home_base);
        ProfileForm {
            name: tech.name.clone(),
            latitude,
            longitude,
            time_zone: tech.time_zone.as_str().to_owned(),
            template: t.template.map(|id| id.to_string()).unwrap_or_default(),
            territories: tech.territories.iter().map(|t| t.to_string()).collect(),
            skills: tech
                .skills
                .iter()
                .map(|s| (s.characteristic_id.to_string(), s.rating.get().to_string()))
                .collect(),
            seen_version: t.version.to_string(),
        }
    }

    /// What the use cases take; the first field that cannot be read, else.
    fn input(&self) -> Result<TechnicianInput, InvalidInput> {
        let id = |field: &'static str, raw: &str| {
            parse_id(raw).ok_or(InvalidInput::new(field, "unknown"))
        };
        let template = match self.template.trim() {
            "" => None,
            raw => Some(WorkingHoursTemplateId(id("working_hours_template", raw)?)),
        };
        Ok(TechnicianInput {
            name: self.name.clone(),
            home_base: map_point::parse(&self.latitude, &self.longitude)?,
            time_zone: self.time_zone.clone(),
            template,
            territories: self
                .territories
                .iter()
                .map(|raw| id("territories", raw).map(TerritoryId))
                .collect::<Result<_, _>>()?,
            skills: self
                .skills
                .iter()
                .map(|(raw, rating)| Ok((CharacteristicId(id("skills", raw)?), rating.clone())))
                .collect::<Result<_, InvalidInput>>()?,
        })
    }
}

struct Check {
    id: i64,
    name: String,
    checked: bool,
}

/// A skill's line of the form: its rating, or none.
struct SkillField {
    id: i64,
    name: String,
    active: bool,
    rating: String,
}

/// The profile form as shown.
struct ProfileView {
    name: String,
    point: MapPoint,
    time_zone: String,
    zones: &'static [String],
    templates: Vec<Choice>,
    territories: Vec<Check>,
    skills: Vec<SkillField>,
    /// (value, label) of the ratings offered.
    ratings: Vec<(String, String)>,
}

impl ProfileView {
    fn zone_selected(&self, zone: &str) -> bool {
        zone == self.time_zone
    }
}

/// The profile form of `form` with the `choices`; `current`: the template the technician
/// follows (`None`: their own hours, offered to keep; a new technician: none yet).
async fn profile_view(
    state: &AppState,
    page: &Page,
    form: &ProfileForm,
    choices: &Choices,
    current: Option<Option<WorkingHoursTemplateId>>,
) -> ProfileView {
    let point = MapPoint::new(
        state,
        page.t("workforce-home-base"),
        form.latitude.clone(),
        form.longitude.clone(),
    )
    .await;
    let mut templates = Vec::new();
    match current {
        None => templates.push(Choice {
            value: String::new(),
            label: page.t("workforce-no-hours-yet"),
            selected: form.template.trim().is_empty(),
        }),
        Some(None) => templates.push(Choice {
            value: String::new(),
            label: page.t("workforce-keep-own-hours"),
            selected: form.template.trim().is_empty(),
        }),
        Some(Some(_)) => {}
    }
    templates.extend(choices.templates.iter().map(|t| Choice {
        value: t.id.to_string(),
        label: t.name.clone(),
        selected: form.template.trim() == t.id.to_string(),
    }));
    let territories = choices
        .territories
        .iter()
        .map(|t| Check {
            id: t.id.0,
            name: t.name.clone(),
            checked: form
                .territories
                .iter()
                .any(|x| x.trim() == t.id.to_string()),
        })
        .collect();
    let skills = choices
        .skills
        .iter()
        .map(|c| SkillField {
            rating: form
                .skills
                .iter()
                .find(|(id, _)| id.trim() == c.id.to_string())
                .map(|(_, r)| r.trim().to_owned())
                .unwrap_or_default(),
            id: c.id.0,
            name: c.name.clone(),
            active: c.active,
        })
        // A retired skill is shown only to those who have it.
        .filter(|s| s.active || !s.rating.is_empty())
        .collect();
    ProfileView {
        name: form.name.clone(),
        point,
        time_zone: form.time_zone.clone(),
        zones: &crate::identity::profile::ZONES,
        templates,
        territories,
        skills,
        ratings: (Rating::MIN.get()..=Rating::MAX.get())
            .map(|r| (r.to_string(), r.to_string()))
            .collect(),
    }
}

/// A refused form's errors and the status to answer with.
fn refusal(page: &Page, e: &impl Failure) -> (FieldErrors, StatusCode) {
    let mut errors = FieldErrors::new();
    errors.add_failure(page.locale, e);
    (errors, crate::error::form_status(e))
}

/// Whether a use case's failure is one a form shows again (a value at fault, something that
/// changed meanwhile), else the error page.
fn shown_again(e: &WorkforceError) -> bool {
    crate::error::form_refusal_status(e).is_some()
}

// ---- New technician -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "staff/workforce/technician_new.html")]
struct NewPage {
    page: Page,
    profile: ProfileView,
    errors: FieldErrors,
}

async fn new_page(
    state: &AppState,
    page: Page,
    staff: Staff,
    form: &ProfileForm,
    (errors, status): (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let choices = workforce::choices(&state.app, staff).await?;
    let profile = profile_view(state, &page, form, &choices, None).await;
    render_with_status(
        status,
        &NewPage {
            page,
            profile,
            errors,
        },
    )
}

/// `GET /staff/technicians/new`: the form of a new technician (in the signed-in person's time
/// zone, on the first template, until changed).
pub async fn new_technician(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> WebResult<Response> {
    let staff: Staff = user.grant()?;
    let choices = workforce::choices(&state.app, staff).await?;
    let form = ProfileForm {
        time_zone: user.user.time_zone.clone().unwrap_or_default(),
        template: choices
            .templates
            .first()
            .map(|t| t.id.to_string())
            .unwrap_or_default(),
        ..ProfileForm::default()
    };
    new_page(
        &state,
        page,
        staff,
        &form,
        (FieldErrors::new(), StatusCode::OK),
    )
    .await
}

/// `POST /staff/technicians`: adds a technician, or shows the form again with why not.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let form = ProfileForm::from_pairs(&pairs);
    let created = match form.input() {
        Ok(input) => {
            workforce::create_technician(&state.app, staff, &input, state.clock.now()).await
        }
        Err(e) => Err(e.into()),
    };
    match created {
        Ok(id) => Ok(see_other(&format!(
            "{TECHNICIANS}/{id}?notice=technician-created"
        ))),
        Err(e) if shown_again(&e) => {
            let refused = refusal(&page, &e);
            new_page(&state, page, staff, &form, refused).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- A technician's page --------------------------------------------------------------------

/// What the page's smaller forms show again after a refusal (as typed), else empty.
#[derive(Debug, Default)]
struct Typed {
    /// The profile as typed (else as stored).
    profile: Option<ProfileForm>,
    exception: ExceptionForm,
    time_off: TimeOffForm,
    sign_in: SignInForm,
}

struct DayRow {
    label: String,
    hours: String,
}

struct ExceptionRow {
    date: String,
    label: String,
    hours: String,
}

struct TimeOffRow {
    id: i64,
    from: String,
    to: String,
    reason: String,
    /// Not started yet: it can be removed.
    removable: bool,
}

#[derive(Template)]
#[template(path = "staff/workforce/technician.html")]
struct TechnicianView {
    page: Page,
    id: TechnicianId,
    name: String,
    active: bool,
    kind: Option<String>,
    version: i64,
    upcoming: usize,
    report: Option<ReportView>,
    history: Option<String>,
    profile: ProfileView,
    /// The template they follow (id, name), else their own hours.
    template: Option<(WorkingHoursTemplateId, String)>,
    week: Vec<DayRow>,
    zone: String,
    exceptions: Vec<ExceptionRow>,
    exception: ExceptionForm,
    time_off: Vec<TimeOffRow>,
    time_off_form: TimeOffForm,
    user: Option<LinkedUser>,
    /// The users list, searched for the linked user.
    users_link: String,
    may_administer: bool,
    linkable: Vec<Choice>,
    sign_in: SignInForm,
    errors: FieldErrors,
}

/// The technician's page, with `typed` in its forms and `errors` next to their fields.
#[allow(clippy::too_many_arguments)]
async fn show_page(
    state: &AppState,
    page: Page,
    staff: Staff,
    id: TechnicianId,
    jobs: &[onsite_store::reassignment::JobId],
    typed: Typed,
    (errors, status): (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let now = state.clock.now();
    let TechnicianPage {
        technician: t,
        choices,
        linkable_users,
        upcoming_visits,
        affected,
    } = workforce::technician_page(&state.app, staff, id, jobs, now).await?;
    let stored = ProfileForm::of(&t);
    let form = typed.profile.as_ref().unwrap_or(&stored);
    let profile = profile_view(state, &page, form, &choices, Some(t.template)).await;
    let tech = &t.technician;
    let zone = tech.time_zone.time_zone();
    let locale = page.locale;
    let local = |at: Timestamp| page.time_in(at, zone.clone());
    let today = now.to_zoned(zone.clone()).date();
    let week_hours = WeeklyHours::from_periods(tech.weekly_hours.clone());
    let not_working = page.t("workforce-not-working");
    let week = WEEKDAYS
        .into_iter()
        .zip(week_hours.texts())
        .map(|(day, text)| DayRow {
            label: weekday_label(&page, day),
            hours: if text.is_empty() {
                not_working.clone()
            } else {
                text
            },
        })
        .collect();
    let exceptions = tech
        .exceptions
        .iter()
        .filter(|x| x.date >= today)
        .map(|x| ExceptionRow {
            date: x.date.to_string(),
            label: onsite_i18n::datetime::date(locale, x.date),
            hours: match x.hours {
                Some(h) => onsite_domain::working_hours::day_text(&[h]),
                None => page.t("workforce-day-off"),
            },
        })
        .collect();
    let time_off = tech
        .time_off
        .iter()
        .filter(|o| o.ends_at > now)
        .map(|o| TimeOffRow {
            id: o.id.0,
            from: local(o.starts_at),
            to: local(o.ends_at),
            reason: o.reason.clone().unwrap_or_default(),
            removable: o.starts_at > now,
        })
        .collect();
    let template = t.template.and_then(|id| {
        choices
            .templates
            .iter()
            .find(|x| x.id == id)
            .map(|x| (id, x.name.clone()))
    });
    let linkable = std::iter::once(Choice {
        value: String::new(),
        label: page.t("workforce-user-nobody"),
        selected: t.user.is_none(),
    })
    .chain(t.user.iter().map(|u| Choice {
        value: u.id.to_string(),
        label: u.email.clone(),
        selected: true,
    }))
    .chain(linkable_users.iter().map(|u| Choice {
        value: u.id.to_string(),
        label: if u.name.is_empty() {
            u.email.clone()
        } else {
            format!("{} ({})", u.email, u.name)
        },
        selected: false,
    }))
    .collect();
    let view = TechnicianView {
        report: report_view(&page, jobs, &affected),
        history: page.history("technician", id),
        may_administer: page.may(Capability::Administer),
        id,
        name: tech.name.clone(),
        active: tech.active,
        kind: (tech.kind != ResourceKind::User)
            .then(|| page.t(&format!("workforce-kind-{}", tech.kind.as_str()))),
        version: t.version,
        upcoming: upcoming_visits,
        profile,
        template,
        week,
        zone: tech.time_zone.as_str().to_owned(),
        exceptions,
        exception: typed.exception,
        time_off,
        time_off_form: typed.time_off,
        users_link: format!(
            "/staff/users?q={}",
            encode_component(t.user.as_ref().map_or("", |u| u.email.as_str()))
        ),
        user: t.user.clone(),
        linkable,
        sign_in: typed.sign_in,
        errors,
        page,
    };
    render_with_status(status, &view)
}

/// `GET /staff/technicians/{id}`: the technician's page; after a change, what it did to their
/// booked visits (`?jobs=`).
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TechnicianId>,
    Query(query): Query<JobsQuery>,
) -> WebResult<Response> {
    let fresh = (FieldErrors::new(), StatusCode::OK);
    show_page(
        &state,
        page,
        staff,
        id,
        &query.ids(),
        Typed::default(),
        fresh,
    )
    .await
}

/// After a refused change: the page again with the typed values, or the error page.
async fn refused(
    state: &AppState,
    page: Page,
    staff: Staff,
    id: TechnicianId,
    typed: Typed,
    e: WorkforceError,
) -> WebResult<Response> {
    if !shown_again(&e) {
        return Err(e.into());
    }
    let errors = refusal(&page, &e);
    // Someone saved the technician meanwhile: their version, not what was typed.
    let typed = match e {
        WorkforceError::Changed => Typed::default(),
        _ => typed,
    };
    show_page(state, page, staff, id, &[], typed, errors).await
}

/// The answer to a change of technician `id`: their page with `notice` and what the change did
/// to booked visits, or the page again with why not (`typed` in its forms).
async fn answer(
    (state, page, staff): (&AppState, Page, Staff),
    id: TechnicianId,
    done: Result<Reassignment, WorkforceError>,
    notice: &str,
    typed: Typed,
) -> WebResult<Response> {
    match done {
        Ok(changed) => Ok(see_other(&after_change(
            &format!("{TECHNICIANS}/{id}"),
            notice,
            &changed,
        ))),
        Err(e) => refused(state, page, staff, id, typed, e).await,
    }
}

/// `POST /staff/technicians/{id}`: saves the profile from the version the form showed.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TechnicianId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let form = ProfileForm::from_pairs(&pairs);
    let saved = match (form.input(), parse_version(&form.seen_version)) {
        (Ok(input), Ok(version)) => {
            let now = state.clock.now();
            workforce::update_technician(&state.app, staff, id, version, &input, now).await
        }
        (Err(e), _) => Err(e.into()),
        (_, Err(e)) => Err(e),
    };
    let typed = Typed {
        profile: Some(form),
        ..Typed::default()
    };
    answer((&state, page, staff), id, saved, "technician-saved", typed).await
}

/// The deactivate and activate buttons' form.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct VersionForm {
    seen_version: String,
}

async fn set_active(
    (state, page, staff): (&AppState, Page, Staff),
    id: TechnicianId,
    form: &VersionForm,
    active: bool,
) -> WebResult<Response> {
    let changed = match parse_version(&form.seen_version) {
        Ok(version) => {
            let now = state.clock.now();
            workforce::set_active(&state.app, staff, id, version, active, now).await
        }
        Err(e) => Err(e),
    };
    let notice = if active {
        "technician-activated"
    } else {
        "technician-deactivated"
    };
    answer((state, page, staff), id, changed, notice, Typed::default()).await
}

/// `POST /staff/technicians/{id}/deactivate`: no new visits; their booked ones are reassigned.
pub async fn deactivate(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TechnicianId>,
    Form(form): Form<VersionForm>,
) -> WebResult<Response> {
    set_active((&state, page, staff), id, &form, false).await
}

/// `POST /staff/technicians/{id}/activate`: bookable again.
pub async fn activate(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TechnicianId>,
    Form(form): Form<VersionForm>,
) -> WebResult<Response> {
    set_active((&state, page, staff), id, &form, true).await
}

/// The time-off form: local date-times in the technician's zone.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct TimeOffForm {
    starts_at: String,
    ends_at: String,
    reason: String,
}

/// `POST /staff/technicians/{id}/time-off`: records time off and reassigns the visits in it.
pub async fn add_time_off(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TechnicianId>,
    Form(form): Form<TimeOffForm>,
) -> WebResult<Response> {
    let when = (form.starts_at.as_str(), form.ends_at.as_str());
    let now = state.clock.now();
    let added = workforce::add_time_off(&state.app, staff, id, when, &form.reason, now)
        .await
        .map(|(_, changed)| changed);
    let typed = Typed {
        time_off: form,
        ..Typed::default()
    };
    answer((&state, page, staff), id, added, "time-off-added", typed).await
}

/// The remove buttons of time off.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RemoveTimeOffForm {
    time_off: String,
}

/// `POST /staff/technicians/{id}/time-off/remove`: removes time off that has not started.
pub async fn remove_time_off(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TechnicianId>,
    Form(form): Form<RemoveTimeOffForm>,
) -> WebResult<Response> {
    let now = state.clock.now();
    let removed = workforce::remove_time_off(&state.app, staff, id, &form.time_off, now)
        .await
        .map(|()| Reassignment::none());
    let typed = Typed::default();
    answer(
        (&state, page, staff),
        id,
        removed,
        "time-off-removed",
        typed,
    )
    .await
}

/// The form of a day that differs from the template: the day, and its hours (one period, or
/// empty for a day off).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ExceptionForm {
    date: String,
    hours: String,
}

/// `POST /staff/technicians/{id}/exceptions`: other hours (or a day off) on one day.
pub async fn set_exception(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TechnicianId>,
    Form(form): Form<ExceptionForm>,
) -> WebResult<Response> {
    let day = (form.date.as_str(), form.hours.as_str());
    let now = state.clock.now();
    let set = workforce::set_exception(&state.app, staff, id, day, now).await;
    let typed = Typed {
        exception: form,
        ..Typed::default()
    };
    answer((&state, page, staff), id, set, "exception-saved", typed).await
}

/// `POST /staff/technicians/{id}/exceptions/remove`: the day follows the template again.
pub async fn remove_exception(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<TechnicianId>,
    Form(form): Form<ExceptionForm>,
) -> WebResult<Response> {
    let now = state.clock.now();
    let removed = workforce::remove_exception(&state.app, staff, id, &form.date, now).await;
    let typed = Typed::default();
    answer(
        (&state, page, staff),
        id,
        removed,
        "exception-removed",
        typed,
    )
    .await
}

/// The sign-in link form: a user id, or empty for nobody.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct LinkForm {
    user: String,
}

/// `POST /staff/technicians/{id}/user` (administrators): who signs in as the technician.
pub async fn link_user(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<TechnicianId>,
    Form(form): Form<LinkForm>,
) -> WebResult<Response> {
    let (staff, admin): (Staff, Admin) = (user.grant()?, user.grant()?);
    let linked = match form.user.trim() {
        "" => Ok(None),
        raw => parse_id(raw)
            .map(|u| Some(UserId(u)))
            .ok_or(InvalidInput::new("user", "unknown")),
    };
    let linked = match linked {
        Ok(to) => workforce::link_user(&state.app, admin, id, to).await,
        Err(e) => Err(e.into()),
    };
    let done = linked.map(|()| Reassignment::none());
    answer(
        (&state, page, staff),
        id,
        done,
        "user-linked",
        Typed::default(),
    )
    .await
}

/// "Create a sign-in for this technician": their email address and the language of their
/// emails.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    language: String,
}

/// `POST /staff/technicians/{id}/sign-in` (administrators): a user with the technician role,
/// linked to them, emailed a link to choose their password.
pub async fn create_sign_in(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<TechnicianId>,
    Form(form): Form<SignInForm>,
) -> WebResult<Response> {
    let (staff, admin): (Staff, Admin) = (user.grant()?, user.grant()?);
    let input = SignInInput {
        email: form.email.clone(),
        language: form.language.clone(),
    };
    let now = state.clock.now();
    let made = workforce::create_sign_in(&state.app, admin, id, &input, now)
        .await
        .map(|_| Reassignment::none());
    let typed = Typed {
        sign_in: form,
        ..Typed::default()
    };
    answer((&state, page, staff), id, made, "sign-in-created", typed).await
}
