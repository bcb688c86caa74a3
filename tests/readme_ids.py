"""The README's id properties, written out here independently of hubframe.dtypes, so the
tests that check column dtypes against the README's table share one copy of it."""

#: Record, owner, user and team ids: the id dtype whatever HubSpot's definition type.
ID_NAMES = {
    "hs_object_id", "associatedcompanyid", "associatedcontactid", "associateddealid",
    "hubspot_owner_id", "hubspot_team_id", "hs_created_by_user_id", "hs_updated_by_user_id",
}  # fmt: skip
#: Lists of ids.
MULTI_ID_NAMES = {
    "hs_merged_object_ids", "hs_all_owner_ids", "hs_all_team_ids",
    "hs_all_accessible_team_ids", "hs_user_ids_of_all_owners",
}  # fmt: skip
