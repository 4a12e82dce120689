namespace Wharf.Metadata.Postgres;

/// <summary>
/// The schema, as an ordered list of scripts: version N is <c>Scripts[N - 1]</c>. A released script is never
/// edited; a change is a new script appended here. Names, tags and digests use the "C" collation, so ORDER BY
/// and range scans are byte-wise as the distribution spec's paging needs, whatever the database's locale.
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

        -- Background jobs shared by replicas: one row per job name, held until expires_at.
        CREATE TABLE job_leases (
            name        text COLLATE "C" PRIMARY KEY,
            holder      text NOT NULL,
            expires_at  timestamptz NOT NULL
        );
        """,
        // 2: access control (IAccessStore), versioning policies and promotions (IPolicyStore). Secrets are stored
        // only as hashes (PHC strings for passwords, SHA-256 for tokens).
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
    ];
}
