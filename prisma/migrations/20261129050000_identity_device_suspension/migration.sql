-- Devices can be suspended by an operator (reversible, unlike revocation). Operators page
-- through all devices in did order, which the primary key already serves.
ALTER TABLE "identity"."device" DROP CONSTRAINT "device_status_known";
ALTER TABLE "identity"."device" ADD CONSTRAINT "device_status_known" CHECK ("status" IN ('active', 'suspended', 'revoked'));
