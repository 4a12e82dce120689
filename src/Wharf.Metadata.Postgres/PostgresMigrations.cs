namespace Wharf.Metadata.Postgres;

/// <summary>
/// The schema, as an ordered list of scripts: version N is <c>Scripts[N - 1]</c>, the same change as SQLite's
/// version N. A released script is never edited; a change is a new script appended here and to SQLite's. Names,
/// tags and digests use the "C" collation, so ORDER BY and range scans are byte-wise as the distribution spec's
/// paging needs, whatever the database's locale. Builds before the shared numbering ran 1+2 as their version 1,
/// 3+4 as 2, 5 as 3 and 6 as 4 (<see cref="PostgresDialect.LegacyVersions"/>); the SQL of each is unchanged.
/// </summary>
internal static class PostgresMigrations
{
    public static readonly string[] Scripts =
    [
        """
        CREATE TABLE repositories (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name        text COLLATE "C" NOT NULL UNIQUE,
            created_at  timestamptz NOT NULL
        );

        CREATE TABLE blob_links (
            repository_id  bigint NOT NULL REFERENCES repositories(id),
            digest         text COLLATE "C" NOT NULL,
            size           bigint NOT NULL,
            created_at     timestamptz NOT NULL,
            PRIMARY KEY (repository_id, digest)
        );
        -- GC asks "is this blob linked anywhere?"
        CREATE INDEX blob_links_digest ON blob_links(digest);

        CREATE TABLE manifests (
            repository_id   bigint NOT NULL REFERENCES repositories(id),
            digest          text COLLATE "C" NOT NULL,
            media_type      text NOT NULL,
            content         bytea NOT NULL,
            size            bigint NOT NULL,
            artifact_type   text,
            subject_digest  text COLLATE "C",
            -- The annotations as JSON text, exactly as they came: jsonb cannot hold a \u0000, which is valid in an annotation.
            annotations_json  text,
            created_at      timestamptz NOT NULL,
            PRIMARY KEY (repository_id, digest)
        );
        CREATE INDEX manifests_subject ON manifests(repository_id, subject_digest);

        CREATE TABLE tags (
            repository_id    bigint NOT NULL,
            name             text COLLATE "C" NOT NULL,
            manifest_digest  text COLLATE "C" NOT NULL,
            updated_at       timestamptz NOT NULL,
            PRIMARY KEY (repository_id, name),
            -- A tag can never point at a manifest the repository does not hold.
            FOREIGN KEY (repository_id, manifest_digest) REFERENCES manifests(repository_id, digest)
        );
        CREATE INDEX tags_manifest ON tags(repository_id, manifest_digest);

        -- Every tag move and delete, for "what changed since v1.1" and audit; null digest = no tag.
        CREATE TABLE tag_history (
            id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            repository_id  bigint NOT NULL REFERENCES repositories(id),
            tag            text COLLATE "C" NOT NULL,
            old_digest     text COLLATE "C",
            new_digest     text COLLATE "C",
            at             timestamptz NOT NULL
        );
        CREATE INDEX tag_history_tag ON tag_history(repository_id, tag, id);

        -- Not tied to repositories: a session starts before its repository exists.
        CREATE TABLE upload_sessions (
            id          text COLLATE "C" PRIMARY KEY,
            repository  text COLLATE "C" NOT NULL,
            started_at  timestamptz NOT NULL,
            updated_at  timestamptz NOT NULL
        );
        CREATE INDEX upload_sessions_updated ON upload_sessions(updated_at);
        """,
        // 2: background jobs shared by replicas: one row per job name, held until expires_at.
        """
        CREATE TABLE job_leases (
            name        text COLLATE "C" PRIMARY KEY,
            holder      text NOT NULL,
            expires_at  timestamptz NOT NULL
        );
        """,
        // 3: access control (IAccessStore). Secrets are stored only as hashes (PHC strings for passwords, SHA-256 for tokens).
        """
        CREATE TABLE users (
            name           text COLLATE "C" PRIMARY KEY,
            password_hash  text NOT NULL,
            is_admin       boolean NOT NULL,
            created_at     timestamptz NOT NULL
        );

        CREATE TABLE robots (
            name         text COLLATE "C" PRIMARY KEY,
            secret_hash  text COLLATE "C" NOT NULL UNIQUE,
            grants       text NOT NULL,
            created_at   timestamptz NOT NULL,
            expires_at   timestamptz,
            revoked_at   timestamptz,
            created_by   text NOT NULL
        );

        CREATE TABLE namespaces (
            name        text COLLATE "C" PRIMARY KEY,
            is_public   boolean NOT NULL,
            created_at  timestamptz NOT NULL
        );

        CREATE TABLE namespace_members (
            namespace  text COLLATE "C" NOT NULL REFERENCES namespaces(name) ON DELETE CASCADE,
            user_name  text COLLATE "C" NOT NULL REFERENCES users(name) ON DELETE CASCADE,
            role       text NOT NULL,
            PRIMARY KEY (namespace, user_name)
        );
        CREATE INDEX namespace_members_user ON namespace_members(user_name);

        CREATE TABLE refresh_tokens (
            token_hash  text COLLATE "C" PRIMARY KEY,
            user_name   text COLLATE "C" NOT NULL REFERENCES users(name) ON DELETE CASCADE,
            client_id   text NOT NULL,
            created_at  timestamptz NOT NULL,
            expires_at  timestamptz NOT NULL
        );
        CREATE INDEX refresh_tokens_user ON refresh_tokens(user_name);

        CREATE TABLE audit_log (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at          timestamptz NOT NULL,
            subject     text NOT NULL,
            action      text NOT NULL,
            repository  text,
            digest      text,
            detail      text,
            address     text,
            allowed     boolean NOT NULL
        );
        """,
        // 4: versioning policies (namespace or repository) and the promotions that moved aliases (IPolicyStore).
        """
        -- The policy as JSON text, as PolicyJson wrote it (one reader and writer for every backend).
        CREATE TABLE policies (
            scope        text COLLATE "C" NOT NULL,  -- 'namespace' or 'repository'
            name         text COLLATE "C" NOT NULL,
            policy_json  text NOT NULL,
            updated_at   timestamptz NOT NULL,
            PRIMARY KEY (scope, name)
        );

        CREATE TABLE promotions (
            id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            repository_id  bigint NOT NULL REFERENCES repositories(id),
            alias          text COLLATE "C" NOT NULL,
            from_digest    text COLLATE "C",
            to_digest      text COLLATE "C" NOT NULL,
            actor          text NOT NULL,
            reason         text NOT NULL,
            at             timestamptz NOT NULL
        );
        CREATE INDEX promotions_alias ON promotions(repository_id, alias, id);
        """,
        // 5: the model catalog and its index queue (IModelCatalogStore), and who moved a tag.
        """
        ALTER TABLE tag_history ADD COLUMN actor text;

        -- One row per manifest waiting to be indexed. A claim is a lease (claimed_by + claim_expires_at);
        -- generation grows when a row is re-enqueued, so a job that ran on older state does not remove it.
        CREATE TABLE index_queue (
            id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            repository_id     bigint NOT NULL,
            digest            text COLLATE "C" NOT NULL,
            generation        bigint NOT NULL DEFAULT 1,
            due_at            timestamptz NOT NULL,
            attempts          integer NOT NULL DEFAULT 0,
            claimed_by        text,
            claim_expires_at  timestamptz,
            last_error        text,
            UNIQUE (repository_id, digest),
            FOREIGN KEY (repository_id, digest) REFERENCES manifests(repository_id, digest) ON DELETE CASCADE
        );
        CREATE INDEX index_queue_due ON index_queue(due_at, id);

        -- Enqueued in the manifest put's own transaction: a stored manifest is never missed by the indexer.
        -- (ON CONFLICT DO NOTHING on manifests fires no row trigger, so a re-push enqueues nothing.)
        CREATE FUNCTION manifests_enqueue_index() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO index_queue (repository_id, digest, due_at) VALUES (NEW.repository_id, NEW.digest, NEW.created_at)
            ON CONFLICT (repository_id, digest) DO NOTHING;
            RETURN NULL;
        END;
        $$;
        CREATE TRIGGER manifests_enqueue_index AFTER INSERT ON manifests
            FOR EACH ROW EXECUTE FUNCTION manifests_enqueue_index();
        INSERT INTO index_queue (repository_id, digest, due_at) SELECT repository_id, digest, created_at FROM manifests
            ON CONFLICT (repository_id, digest) DO NOTHING;

        CREATE TABLE model_versions (
            id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            repository_id    bigint NOT NULL,
            digest           text COLLATE "C" NOT NULL,
            kind             text COLLATE "C" NOT NULL,
            status           text NOT NULL,
            error            text,
            name             text,
            format           text COLLATE "C",
            architecture     text COLLATE "C",
            parameter_count  bigint,
            quantization     text COLLATE "C",
            licenses         text[] COLLATE "C",  -- lowercase; null when none
            search_text      text COLLATE "C" NOT NULL,
            metadata_json    text NOT NULL,
            files_json       text NOT NULL,
            lineage_json     text,
            card_json        text,
            errors_json      text NOT NULL,
            indexed_at       timestamptz NOT NULL,
            UNIQUE (repository_id, digest),
            FOREIGN KEY (repository_id, digest) REFERENCES manifests(repository_id, digest) ON DELETE CASCADE
        );
        CREATE INDEX model_versions_kind ON model_versions(kind, id);
        CREATE INDEX model_versions_params ON model_versions(parameter_count);
        """,
        // 6: the model card's text, lowercase, for q= (a substring match, like search_text). Versions indexed before
        // get it from their stored card; the next indexing of a version refreshes it as .NET lowers it.
        """
        ALTER TABLE model_versions ADD COLUMN card_text text COLLATE "C";
        UPDATE model_versions SET card_text = lower(card_json::jsonb ->> 'markdown') WHERE card_json IS NOT NULL;
        """,
    ];
}
