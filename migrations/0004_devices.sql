-- Devices through their whole life: Windows devices carry their policies
-- (copied from the enrollment token, then edited by PUT), and list like the
-- AOSP devices do.
ALTER TABLE win_devices ADD COLUMN win_policy_id TEXT REFERENCES win_policies (id);
-- [{winPolicyId, priority}] in order.
ALTER TABLE win_devices ADD COLUMN policy_assignments TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(policy_assignments));

CREATE INDEX win_devices_org_created_id ON win_devices (organization_id, created_at, id);
CREATE INDEX win_devices_org_segment_created ON win_devices (organization_id, segment_id, created_at);

-- Token usage: `enrolled_count` counts the devices a token enrolled; a
-- perpetual AOSP token may cap it (`max_enrollments`, NULL: no cap), checked
-- by the enrollment claim itself.
ALTER TABLE aosp_enrollment_tokens ADD COLUMN max_enrollments INTEGER CHECK (max_enrollments BETWEEN 1 AND 100000);
ALTER TABLE aosp_enrollment_tokens ADD COLUMN last_enrollment_at INTEGER;
