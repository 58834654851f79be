-- Onsite core schema. One file for both backends: `{id}`, `{bool}` and `{blob}` become the
-- backend's auto-increment primary key, boolean and byte-string types (see migrate.rs). Instants are BIGINT Unix
-- milliseconds (UTC); civil dates are TEXT 'YYYY-MM-DD'; money is BIGINT minor units.

CREATE TABLE territories (
    id {id},
    name TEXT NOT NULL UNIQUE,
    postal_prefixes TEXT NOT NULL DEFAULT '',   -- comma-separated, upper case, no spaces
    polygon TEXT                                -- JSON [[lat, lon], ...] or NULL
);

CREATE TABLE accounts (
    id {id},
    kind TEXT NOT NULL CHECK (kind IN ('customer', 'partner')),
    name TEXT NOT NULL,
    active {bool} NOT NULL DEFAULT TRUE,
    address_line TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    time_zone TEXT NOT NULL,
    territory_id BIGINT REFERENCES territories (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX accounts_kind_name ON accounts (kind, name);

CREATE TABLE contacts (
    id {id},
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX contacts_account ON contacts (account_id);
CREATE INDEX contacts_email ON contacts (email);

-- Everyone who can sign in: customer and partner contacts, technicians, staff.
CREATE TABLE users (
    id {id},
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    phone TEXT,
    language TEXT,                 -- preferred language tag, NULL = from the browser
    time_zone TEXT,                -- NULL = the account's zone
    notify_email {bool} NOT NULL DEFAULT TRUE,
    contact_id BIGINT REFERENCES contacts (id) ON DELETE SET NULL,
    disabled {bool} NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE characteristics (
    id {id},
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE technicians (
    id {id},
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'crew', 'equipment')),
    user_id BIGINT UNIQUE REFERENCES users (id) ON DELETE SET NULL,
    home_latitude DOUBLE PRECISION NOT NULL,
    home_longitude DOUBLE PRECISION NOT NULL,
    time_zone TEXT NOT NULL,
    active {bool} NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE technician_territories (
    technician_id BIGINT NOT NULL REFERENCES technicians (id) ON DELETE CASCADE,
    territory_id BIGINT NOT NULL REFERENCES territories (id) ON DELETE CASCADE,
    PRIMARY KEY (technician_id, territory_id)
);

CREATE TABLE technician_skills (
    technician_id BIGINT NOT NULL REFERENCES technicians (id) ON DELETE CASCADE,
    characteristic_id BIGINT NOT NULL REFERENCES characteristics (id) ON DELETE CASCADE,
    rating BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 10),
    PRIMARY KEY (technician_id, characteristic_id)
);

-- Weekly template, local time of the technician's zone; several periods per day allowed.
CREATE TABLE working_hours (
    technician_id BIGINT NOT NULL REFERENCES technicians (id) ON DELETE CASCADE,
    weekday BIGINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),  -- ISO: Monday = 1
    start_minute BIGINT NOT NULL,
    end_minute BIGINT NOT NULL,
    CHECK (start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute)
);
CREATE INDEX working_hours_technician ON working_hours (technician_id);

-- A day that differs from the template; NULL minutes = day off.
CREATE TABLE working_exceptions (
    technician_id BIGINT NOT NULL REFERENCES technicians (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    start_minute BIGINT,
    end_minute BIGINT,
    PRIMARY KEY (technician_id, day)
);

CREATE TABLE time_off (
    id {id},
    technician_id BIGINT NOT NULL REFERENCES technicians (id) ON DELETE CASCADE,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    reason TEXT,
    CHECK (starts_at < ends_at)
);
CREATE INDEX time_off_technician ON time_off (technician_id, starts_at);

CREATE TABLE service_types (
    id {id},
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes BETWEEN 5 AND 720),
    self_scheduling {bool} NOT NULL DEFAULT TRUE,
    active {bool} NOT NULL DEFAULT TRUE
);

CREATE TABLE service_type_skills (
    service_type_id BIGINT NOT NULL REFERENCES service_types (id) ON DELETE CASCADE,
    characteristic_id BIGINT NOT NULL REFERENCES characteristics (id) ON DELETE CASCADE,
    min_rating BIGINT NOT NULL CHECK (min_rating BETWEEN 1 AND 10),
    PRIMARY KEY (service_type_id, characteristic_id)
);

CREATE TABLE assets (
    id {id},
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES assets (id),
    master_id BIGINT REFERENCES assets (id),
    name TEXT NOT NULL,
    product TEXT NOT NULL DEFAULT '',
    serial_number TEXT,
    expose_to_customer {bool} NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX assets_account ON assets (account_id, id);
CREATE INDEX assets_parent ON assets (parent_id);

CREATE TABLE asset_skills (
    asset_id BIGINT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    characteristic_id BIGINT NOT NULL REFERENCES characteristics (id) ON DELETE CASCADE,
    min_rating BIGINT NOT NULL CHECK (min_rating BETWEEN 1 AND 10),
    PRIMARY KEY (asset_id, characteristic_id)
);

CREATE TABLE agreements (
    id {id},
    number TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    description TEXT,
    expose_to_customer {bool} NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX agreements_account ON agreements (account_id, id);

CREATE TABLE work_orders (
    id {id},
    number TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    asset_id BIGINT REFERENCES assets (id),
    service_type_id BIGINT NOT NULL REFERENCES service_types (id),
    agreement_id BIGINT REFERENCES agreements (id),
    status TEXT NOT NULL,
    summary TEXT,
    expose_to_customer {bool} NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX work_orders_account ON work_orders (account_id, id);

CREATE TABLE bookings (
    id {id},
    work_order_id BIGINT NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    technician_id BIGINT NOT NULL REFERENCES technicians (id),
    state TEXT NOT NULL CHECK (state IN ('scheduled', 'traveling', 'in_progress', 'completed', 'canceled')),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    ics_uid TEXT NOT NULL UNIQUE,
    ics_sequence BIGINT NOT NULL DEFAULT 0,
    cancel_reason TEXT,
    idempotency_key TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (starts_at < ends_at)
);
CREATE INDEX bookings_technician_time ON bookings (technician_id, starts_at);
CREATE INDEX bookings_work_order ON bookings (work_order_id);

-- Every state change of a booking: who, when, from, to.
CREATE TABLE booking_transitions (
    id {id},
    booking_id BIGINT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    from_state TEXT,
    to_state TEXT NOT NULL,
    actor_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    at BIGINT NOT NULL,
    note TEXT
);
CREATE INDEX booking_transitions_booking ON booking_transitions (booking_id, at);

CREATE TABLE invoices (
    id {id},
    number TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    work_order_id BIGINT REFERENCES work_orders (id),
    agreement_id BIGINT REFERENCES agreements (id),
    status TEXT NOT NULL,
    currency TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    expose_to_customer {bool} NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX invoices_account ON invoices (account_id, id);

CREATE TABLE invoice_lines (
    id {id},
    invoice_id BIGINT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    description TEXT NOT NULL,
    quantity_milli BIGINT NOT NULL,
    unit_price_minor BIGINT NOT NULL,
    tax_rate_milli_percent BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, position);

CREATE TABLE products (
    id {id},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE partner_profiles (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    capacity BIGINT NOT NULL CHECK (capacity >= 0),
    revenue_min_minor BIGINT NOT NULL,
    revenue_max_minor BIGINT NOT NULL,
    lead_types TEXT NOT NULL DEFAULT '',      -- comma-separated
    CHECK (revenue_min_minor <= revenue_max_minor)
);

CREATE TABLE partner_territories (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    territory_id BIGINT NOT NULL REFERENCES territories (id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, territory_id)
);

CREATE TABLE partner_products (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, product_id)
);

CREATE TABLE opportunities (
    id {id},
    name TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    postal_code TEXT NOT NULL DEFAULT '',
    estimated_revenue_minor BIGINT NOT NULL,
    lead_type TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('new', 'distributed', 'in_progress', 'won', 'lost')),
    stage TEXT,
    partner_account_id BIGINT REFERENCES accounts (id),
    internal {bool} NOT NULL DEFAULT FALSE,
    distributed_at BIGINT,
    accepted_at BIGINT,
    closed_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX opportunities_partner ON opportunities (partner_account_id, status);

CREATE TABLE opportunity_products (
    opportunity_id BIGINT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    PRIMARY KEY (opportunity_id, product_id)
);

-- Partner activity on an opportunity (distributed, accepted, declined, touched, stage, won,
-- lost, expired…): the history the distribution metrics are computed from.
CREATE TABLE opportunity_events (
    id {id},
    opportunity_id BIGINT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    partner_account_id BIGINT REFERENCES accounts (id),
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    note TEXT
);
CREATE INDEX opportunity_events_partner ON opportunity_events (partner_account_id, at);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE audit_events (
    id {id},
    at BIGINT NOT NULL,
    actor_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_at ON audit_events (at);
