-- Counts that do not scan (issue 14): how many rows each organization has
-- in each listed table, by status. Triggers keep them, so every write path
-- (the API's batches, the cron sweep, the enrollment claim, a hand-written
-- UPDATE) changes a count in the same statement that changes the row, and
-- none can forget to. A list without a segment or id filter reads its
-- total from here (worker/src/routes/list.rs) instead of COUNT(*) over the
-- organization's index range; after every e2e file the harness compares
-- these against COUNT(*) (`checkCounters` in tests/e2e/lib/server.mjs).
--
-- `kind` is the table's name (so the platform is in it); `status` the
-- stored status or state, '' for tables without one. A token stored PENDING
-- but past its expiry is still PENDING here: the list subtracts those (a
-- short range of the pending-expiry index, bounded by the cron sweep).
CREATE TABLE org_counts (
  organization_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (organization_id, kind, status)
) WITHOUT ROWID;


INSERT INTO org_counts (organization_id, kind, status, n)
  SELECT organization_id, 'aosp_enrollment_tokens', status, COUNT(*) FROM aosp_enrollment_tokens GROUP BY organization_id, status;
CREATE TRIGGER aosp_enrollment_tokens_count_insert AFTER INSERT ON aosp_enrollment_tokens BEGIN
  INSERT INTO org_counts (organization_id, kind, status, n) VALUES (NEW.organization_id, 'aosp_enrollment_tokens', NEW.status, 1)
    ON CONFLICT (organization_id, kind, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER aosp_enrollment_tokens_count_delete AFTER DELETE ON aosp_enrollment_tokens BEGIN
  UPDATE org_counts SET n = n - 1 WHERE organization_id = OLD.organization_id AND kind = 'aosp_enrollment_tokens' AND status = OLD.status;
END;

CREATE TRIGGER aosp_enrollment_tokens_count_update AFTER UPDATE OF status, organization_id ON aosp_enrollment_tokens
  WHEN OLD.status IS NOT NEW.status OR OLD.organization_id IS NOT NEW.organization_id BEGIN
  UPDATE org_counts SET n = n - 1 WHERE organization_id = OLD.organization_id AND kind = 'aosp_enrollment_tokens' AND status = OLD.status;
  INSERT INTO org_counts (organization_id, kind, status, n) VALUES (NEW.organization_id, 'aosp_enrollment_tokens', NEW.status, 1)
    ON CONFLICT (organization_id, kind, status) DO UPDATE SET n = n + 1;
END;

INSERT INTO org_counts (organization_id, kind, status, n)
  SELECT organization_id, 'win_enrollment_tokens', state, COUNT(*) FROM win_enrollment_tokens GROUP BY organization_id, state;
CREATE TRIGGER win_enrollment_tokens_count_insert AFTER INSERT ON win_enrollment_tokens BEGIN
  INSERT INTO org_counts (organization_id, kind, status, n) VALUES (NEW.organization_id, 'win_enrollment_tokens', NEW.state, 1)
    ON CONFLICT (organization_id, kind, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER win_enrollment_tokens_count_delete AFTER DELETE ON win_enrollment_tokens BEGIN
  UPDATE org_counts SET n = n - 1 WHERE organization_id = OLD.organization_id AND kind = 'win_enrollment_tokens' AND status = OLD.state;
END;

CREATE TRIGGER win_enrollment_tokens_count_update AFTER UPDATE OF state, organization_id ON win_enrollment_tokens
  WHEN OLD.state IS NOT NEW.state OR OLD.organization_id IS NOT NEW.organization_id BEGIN
  UPDATE org_counts SET n = n - 1 WHERE organization_id = OLD.organization_id AND kind = 'win_enrollment_tokens' AND status = OLD.state;
  INSERT INTO org_counts (organization_id, kind, status, n) VALUES (NEW.organization_id, 'win_enrollment_tokens', NEW.state, 1)
    ON CONFLICT (organization_id, kind, status) DO UPDATE SET n = n + 1;
END;

INSERT INTO org_counts (organization_id, kind, status, n)
  SELECT organization_id, 'google_enrollment_tokens', status, COUNT(*) FROM google_enrollment_tokens GROUP BY organization_id, status;
CREATE TRIGGER google_enrollment_tokens_count_insert AFTER INSERT ON google_enrollment_tokens BEGIN
  INSERT INTO org_counts (organization_id, kind, status, n) VALUES (NEW.organization_id, 'google_enrollment_tokens', NEW.status, 1)
    ON CONFLICT (organization_id, kind, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER google_enrollment_tokens_count_delete AFTER DELETE ON google_enrollment_tokens BEGIN
  UPDATE org_counts SET n = n - 1 WHERE organization_id = OLD.organization_id AND kind = 'google_enrollment_tokens' AND status = OLD.status;
END;

CREATE TRIGGER google_enrollment_tokens_count_update AFTER UPDATE OF status, organization_id ON google_enrollment_tokens
  WHEN OLD.status IS NOT NEW.status OR OLD.organization_id IS NOT NEW.organization_id BEGIN
  UPDATE org_counts SET n = n - 1 WHERE organization_id = OLD.organization_id AND kind = 'google_enrollment_tokens' AND status = OLD.status;
  INSERT INTO org_counts (organization_id, kind, status, n) VALUES (NEW.organization_id, 'google_enrollment_tokens', NEW.status, 1)
    ON CONFLICT (organization_id, kind, status) DO UPDATE SET n = n + 1;
END;

INSERT INTO org_counts (organization_id, kind, status, n)
  SELECT organization_id, 'aosp_devices', state, COUNT(*) FROM aosp_devices GROUP BY organization_id, state;
CREATE TRIGGER aosp_devices_count_insert AFTER INSERT ON aosp_devices BEGIN
  INSERT INTO org_counts (organization_id, kind, status, n) VALUES (NEW.organization_id, 'aosp_devices', NEW.state, 1)
    ON CONFLICT (organization_id, kind, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER aosp_devices_count_delete AFTER DELETE ON aosp_devices BEGIN
  UPDATE org_counts SET n = n - 1 WHERE organization_id = OLD.organization_id AND kind = 'aosp_devices' AND status = OLD.state;
END;

CREATE TRIGGER aosp_devices_count_update AFTER UPDATE OF state, organization_id ON aosp_devices
  WHEN OLD.state IS NOT NEW.state OR OLD.organization_id IS NOT NEW.organization_id BEGIN
  UPDATE org_counts SET n = n - 1 WHERE organization_id = OLD.organization_id AND kind = 'aosp_devices' AND status = OLD.state;
  INSERT INTO org_counts (organization_id, kind, status, n) VALUES (NEW.organization_id, 'aosp_devices', NEW.state, 1)
    ON CONFLICT (organization_id, kind, status) DO UPDATE SET n = n + 1;
END;

INSERT INTO org_counts (organization_id, kind, status, n)
  SELECT organization_id, 'win_devices', state, COUNT(*) FROM win_devices GROUP BY organization_id, state;
CREATE TRIGGER win_devices_count_insert AFTER INSERT ON win_devices BEGIN
  INSERT INTO org_counts (organization_id, kind, status, n) VALUES (NEW.organization_id, 'win_devices', NEW.state, 1)
    ON CONFLICT (organization_id, kind, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER win_devices_count_delete AFTER DELETE ON win_devices BEGIN
  UPDATE org_counts SET n = n - 1 WHERE organization_id = OLD.organization_id AND kind = 'win_devices' AND status = OLD.state;
END;

CREATE TRIGGER win_devices_count_update AFTER UPDATE OF state, organization_id ON win_devices
  WHEN OLD.state IS NOT NEW.state OR OLD.organization_id IS NOT NEW.organization_id BEGIN
  UPDATE org_counts SET n = n - 1 WHERE organization_id = OLD.organization_id AND kind = 'win_devices' AND status = OLD.state;
  INSERT INTO org_counts (organization_id, kind, status, n) VALUES (NEW.organization_id, 'win_devices', NEW.state, 1)
    ON CONFLICT (organization_id, kind, status) DO UPDATE SET n = n + 1;
END;

INSERT INTO org_counts (organization_id, kind, status, n)
  SELECT organization_id, 'audit_events', '', COUNT(*) FROM audit_events GROUP BY organization_id, '';
CREATE TRIGGER audit_events_count_insert AFTER INSERT ON audit_events BEGIN
  INSERT INTO org_counts (organization_id, kind, status, n) VALUES (NEW.organization_id, 'audit_events', '', 1)
    ON CONFLICT (organization_id, kind, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER audit_events_count_delete AFTER DELETE ON audit_events BEGIN
  UPDATE org_counts SET n = n - 1 WHERE organization_id = OLD.organization_id AND kind = 'audit_events' AND status = '';
END;
