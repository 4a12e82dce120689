namespace Wharf.Metadata.Sqlite;

/// <summary>
/// The schema, as an ordered list of scripts: version N is <c>Scripts[N - 1]</c>, the same change as PostgreSQL's
/// version N. A released script is never edited; a change is a new script appended here and to PostgreSQL's. Timestamps are unix milliseconds (INTEGER); text columns
/// use SQLite's default BINARY collation, so ORDER BY is byte-wise as the distribution spec's paging needs.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly string[] Scripts =
    [
        """
        CREATE TABLE repositories (
            id          INTEGER PRIMARY KEY,
            name        TEXT    NOT NULL UNIQUE,
            created_at  INTEGER NOT NULL
        );

        CREATE TABLE blob_links (
            repository_id  INTEGER NOT NULL REFERENCES repositories(id),
            digest         TEXT    NOT NULL,
            size           INTEGER NOT NULL,
            created_at     INTEGER NOT NULL,
            PRIMARY KEY (repository_id, digest)
        ) WITHOUT ROWID;
        -- GC asks "is this blob linked anywhere?"
        CREATE INDEX blob_links_digest ON blob_links(digest);

        CREATE TABLE manifests (
            repository_id     INTEGER NOT NULL REFERENCES repositories(id),
            digest            TEXT    NOT NULL,
            media_type        TEXT    NOT NULL,
            content           BLOB    NOT NULL,
            size              INTEGER NOT NULL,
            artifact_type     TEXT,
            subject_digest    TEXT,
            annotations_json  TEXT,
            created_at        INTEGER NOT NULL,
            PRIMARY KEY (repository_id, digest)
        );
        CREATE INDEX manifests_subject ON manifests(repository_id, subject_digest);

        CREATE TABLE tags (
            repository_id    INTEGER NOT NULL,
            name             TEXT    NOT NULL,
            manifest_digest  TEXT    NOT NULL,
            updated_at       INTEGER NOT NULL,
            PRIMARY KEY (repository_id, name),
            -- A tag can never point at a manifest the repository does not hold.
            FOREIGN KEY (repository_id, manifest_digest) REFERENCES manifests(repository_id, digest)
        ) WITHOUT ROWID;
        CREATE INDEX tags_manifest ON tags(repository_id, manifest_digest);

        -- Every tag move and delete, for "what changed since v1.1" and audit; null digest = no tag.
        CREATE TABLE tag_history (
            id             INTEGER PRIMARY KEY,
            repository_id  INTEGER NOT NULL REFERENCES repositories(id),
            tag            TEXT    NOT NULL,
            old_digest     TEXT,
            new_digest     TEXT,
            at             INTEGER NOT NULL
        );
        CREATE INDEX tag_history_tag ON tag_history(repository_id, tag, id);

        -- Not tied to repositories: a session starts before its repository exists.
        CREATE TABLE upload_sessions (
            id          TEXT    PRIMARY KEY,
            repository  TEXT    NOT NULL,
            started_at  INTEGER NOT NULL,
            updated_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX upload_sessions_updated ON upload_sessions(updated_at);
        """,
        // 2: background jobs shared by replicas (or by processes on one file): one row per job, held until expires_at.
        """
        CREATE TABLE job_leases (
            name        TEXT    PRIMARY KEY,
            holder      TEXT    NOT NULL,
            expires_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // 3: access control. Secrets are stored only as hashes (PHC strings for passwords, SHA-256 for tokens).
        """
        CREATE TABLE users (
            name           TEXT    PRIMARY KEY,
            password_hash  TEXT    NOT NULL,
            is_admin       INTEGER NOT NULL,
            created_at     INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE robots (
            name         TEXT    PRIMARY KEY,
            secret_hash  TEXT    NOT NULL UNIQUE,
            grants       TEXT    NOT NULL,
            created_at   INTEGER NOT NULL,
            expires_at   INTEGER,
            revoked_at   INTEGER,
            created_by   TEXT    NOT NULL
        );

        CREATE TABLE namespaces (
            name        TEXT    PRIMARY KEY,
            is_public   INTEGER NOT NULL,
            created_at  INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE namespace_members (
            namespace  TEXT NOT NULL REFERENCES namespaces(name) ON DELETE CASCADE,
            user_name  TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
            role       TEXT NOT NULL,
            PRIMARY KEY (namespace, user_name)
        ) WITHOUT ROWID;
        CREATE INDEX namespace_members_user ON namespace_members(user_name);

        CREATE TABLE refresh_tokens (
            token_hash  TEXT    PRIMARY KEY,
            user_name   TEXT    NOT NULL REFERENCES users(name) ON DELETE CASCADE,
            client_id   TEXT    NOT NULL,
            created_at  INTEGER NOT NULL,
            expires_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX refresh_tokens_user ON refresh_tokens(user_name);

        CREATE TABLE audit_log (
            id          INTEGER PRIMARY KEY,
            at          INTEGER NOT NULL,
            subject     TEXT    NOT NULL,
            action      TEXT    NOT NULL,
            repository  TEXT,
            digest      TEXT,
            detail      TEXT,
            address     TEXT,
            allowed     INTEGER NOT NULL
        );
        """,
        // 4: versioning policies (namespace or repository) and the promotions that moved aliases.
        """
        CREATE TABLE policies (
            scope        TEXT    NOT NULL,  -- 'namespace' or 'repository'
            name         TEXT    NOT NULL,
            policy_json  TEXT    NOT NULL,
            updated_at   INTEGER NOT NULL,
            PRIMARY KEY (scope, name)
        ) WITHOUT ROWID;

        CREATE TABLE promotions (
            id             INTEGER PRIMARY KEY,
            repository_id  INTEGER NOT NULL REFERENCES repositories(id),
            alias          TEXT    NOT NULL,
            from_digest    TEXT,
            to_digest      TEXT    NOT NULL,
            actor          TEXT    NOT NULL,
            reason         TEXT    NOT NULL,
            at             INTEGER NOT NULL
        );
        CREATE INDEX promotions_alias ON promotions(repository_id, alias, id);
        """,
        // 5: the model catalog and its index queue (IModelCatalogStore), and who moved a tag.
        """
        ALTER TABLE tag_history ADD COLUMN actor TEXT;

        -- One row per manifest waiting to be indexed. A claim is a lease (claimed_by + claim_expires_at);
        -- generation grows when a row is re-enqueued, so a job that ran on older state does not remove it.
        CREATE TABLE index_queue (
            id                INTEGER PRIMARY KEY,
            repository_id     INTEGER NOT NULL,
            digest            TEXT    NOT NULL,
            generation        INTEGER NOT NULL DEFAULT 1,
            due_at            INTEGER NOT NULL,
            attempts          INTEGER NOT NULL DEFAULT 0,
            claimed_by        TEXT,
            claim_expires_at  INTEGER,
            last_error        TEXT,
            UNIQUE (repository_id, digest),
            FOREIGN KEY (repository_id, digest) REFERENCES manifests(repository_id, digest) ON DELETE CASCADE
        );
        CREATE INDEX index_queue_due ON index_queue(due_at);

        -- Enqueued in the manifest put's own transaction: a stored manifest is never missed by the indexer.
        CREATE TRIGGER manifests_enqueue_index AFTER INSERT ON manifests
        BEGIN
            INSERT OR IGNORE INTO index_queue (repository_id, digest, due_at) VALUES (NEW.repository_id, NEW.digest, NEW.created_at);
        END;
        INSERT OR IGNORE INTO index_queue (repository_id, digest, due_at) SELECT repository_id, digest, created_at FROM manifests;

        CREATE TABLE model_versions (
            id               INTEGER PRIMARY KEY,
            repository_id    INTEGER NOT NULL,
            digest           TEXT    NOT NULL,
            kind             TEXT    NOT NULL,
            status           TEXT    NOT NULL,
            error            TEXT,
            name             TEXT,
            format           TEXT,
            architecture     TEXT,
            parameter_count  INTEGER,
            quantization     TEXT,
            licenses         TEXT,   -- lowercase, one per line, framed by newlines: "\napache-2.0\nmit\n"
            search_text      TEXT    NOT NULL,
            metadata_json    TEXT    NOT NULL,
            files_json       TEXT    NOT NULL,
            lineage_json     TEXT,
            card_json        TEXT,
            errors_json      TEXT    NOT NULL,
            indexed_at       INTEGER NOT NULL,
            UNIQUE (repository_id, digest),
            FOREIGN KEY (repository_id, digest) REFERENCES manifests(repository_id, digest) ON DELETE CASCADE
        );
        CREATE INDEX model_versions_kind ON model_versions(kind, id);
        CREATE INDEX model_versions_params ON model_versions(parameter_count);
        """,
        // 6: the model card's text, lowercase, for q= (a substring match, like search_text). Versions indexed before
        // get it from their stored card (lower() folds ASCII only; the next indexing of a version refreshes it exactly).
        """
        ALTER TABLE model_versions ADD COLUMN card_text TEXT;
        UPDATE model_versions SET card_text = lower(json_extract(card_json, '$.markdown'))
        WHERE card_json IS NOT NULL AND json_valid(card_json);
        """,
    ];
}
