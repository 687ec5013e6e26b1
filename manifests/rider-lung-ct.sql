-- RIDER Lung CT's CT series, one row per series, for make downstream-rider (mk/downstream-rider.mk):
-- run by make manifest's machinery (ct-bq) on the release IDC_VERSION names, as QUERY= would.
-- The collection also holds SEG and RTSTRUCT objects: only Modality CT is kept (ct-plan filters
-- the CSV on collection_id and Modality again, so a CSV of another query is held to the same).
-- Columns: what ct-plan reads (cp_command, collection_id, PatientID, SeriesInstanceUID), and
-- Modality, StudyInstanceUID and num_instances for the record. Which series is the test and
-- which the retest is no column here: ct-pairs orders them by the times in their headers.
SELECT
  collection_id,
  PatientID,
  StudyInstanceUID,
  SeriesInstanceUID,
  Modality,
  COUNT(*) AS num_instances,
  CONCAT('cp ', ANY_VALUE(aws_url), '.') AS cp_command
FROM `bigquery-public-data.idc_v14.dicom_all`
WHERE collection_id = 'rider_lung_ct' AND Modality = 'CT'
GROUP BY collection_id, PatientID, StudyInstanceUID, SeriesInstanceUID, Modality
ORDER BY PatientID, SeriesInstanceUID
