-- +goose Up
-- Online services (网上办事, module F): the catalogue, each service's form
-- versions, applications with every kept version and their history,
-- reviewer pools with declared conflicts, and the reviews. Forms,
-- workflows and rubrics are data (JSON text); an application pins the
-- form version it was submitted under.
CREATE TABLE services (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    name_en         TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    owner_unit_id   INTEGER NOT NULL REFERENCES units(id),
    applicants      TEXT NOT NULL,
    opens_on        TEXT NOT NULL DEFAULT '',
    closes_on       TEXT NOT NULL DEFAULT '',
    workflow        TEXT NOT NULL,
    rubric          TEXT NOT NULL DEFAULT '[]',
    credential_type TEXT NOT NULL DEFAULT '',
    showcase        BOOLEAN NOT NULL DEFAULT 0,
    form_version    INTEGER NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX services_owner ON services(owner_unit_id);

CREATE TABLE service_forms (
    service_id INTEGER NOT NULL REFERENCES services(id),
    version    INTEGER NOT NULL,
    fields     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (service_id, version)
);

CREATE TABLE applications (
    id           INTEGER PRIMARY KEY,
    service_id   INTEGER NOT NULL REFERENCES services(id),
    unit_id      INTEGER REFERENCES units(id),
    applicant_id INTEGER NOT NULL REFERENCES users(id),
    title        TEXT NOT NULL,
    status       TEXT NOT NULL,
    form_version INTEGER NOT NULL,
    answers      TEXT NOT NULL,
    version      INTEGER NOT NULL,
    due          TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    delivery     TEXT NOT NULL DEFAULT '',
    selected     BOOLEAN NOT NULL DEFAULT 0,
    selected_at  TIMESTAMP,
    submitted_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    FOREIGN KEY (service_id, form_version) REFERENCES service_forms(service_id, version)
);
CREATE INDEX applications_service ON applications(service_id, status, id);
CREATE INDEX applications_unit ON applications(unit_id);
CREATE INDEX applications_applicant ON applications(applicant_id);
CREATE INDEX applications_selected ON applications(selected, selected_at);

CREATE TABLE application_versions (
    application_id INTEGER NOT NULL REFERENCES applications(id),
    version        INTEGER NOT NULL,
    form_version   INTEGER NOT NULL,
    title          TEXT NOT NULL,
    answers        TEXT NOT NULL,
    status         TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, version)
);

CREATE TABLE application_events (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    at             TIMESTAMP NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    from_status    TEXT NOT NULL DEFAULT '',
    to_status      TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX application_events_app ON application_events(application_id, id);

CREATE TABLE reviewer_pools (
    id            INTEGER PRIMARY KEY,
    owner_unit_id INTEGER NOT NULL REFERENCES units(id),
    name          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE reviewer_pool_members (
    pool_id INTEGER NOT NULL REFERENCES reviewer_pools(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (pool_id, user_id)
);

-- A declared conflict of interest: the expert never reviews for the unit
-- or its subtree.
CREATE TABLE reviewer_conflicts (
    pool_id INTEGER NOT NULL REFERENCES reviewer_pools(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (pool_id, user_id, unit_id)
);

CREATE TABLE app_reviews (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    stage          TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    reviewer_id    INTEGER NOT NULL REFERENCES users(id),
    due            TEXT NOT NULL,
    scores         TEXT NOT NULL DEFAULT '',
    total          REAL,
    comment        TEXT NOT NULL DEFAULT '',
    scored_at      TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (application_id, stage, reviewer_id)
);
CREATE INDEX app_reviews_reviewer ON app_reviews(reviewer_id, scored_at);

-- Public applicant accounts: the e-mail they signed up with and the hash
-- of the code that verifies it.
CREATE TABLE public_accounts (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id),
    email       TEXT NOT NULL UNIQUE,
    verify_hash TEXT NOT NULL UNIQUE,
    verified_at TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE public_accounts;
DROP TABLE app_reviews;
DROP TABLE reviewer_conflicts;
DROP TABLE reviewer_pool_members;
DROP TABLE reviewer_pools;
DROP TABLE application_events;
DROP TABLE application_versions;
DROP TABLE applications;
DROP TABLE service_forms;
DROP TABLE services;
