# The territory pages of the back office (crate onsite-web, staff/territories.rs; onsite-app
# territories.rs) and the audit log's words for territories.

territories-nav = Territories
territories-nav-label = Territories and partners
territories-title = Territories
territories-intro = The areas technicians and partners serve. An address is in a territory when its postal code starts with one of its prefixes or its point lies in its area; an account is in the first territory (the oldest) that covers its address, and follows it when a territory changes.
territories-new = New territory
territories-none = No territories yet.

territory-name-label = Name
territory-prefixes-label = Postal-code prefixes
territory-prefixes-hint = Separated by commas, spaces or lines, such as H2J, H2K. Letters and digits only; case and spaces do not matter.
territory-area-column = Area
territory-area-points = { $points } points
territory-area-none = None
territory-accounts-column = Accounts
territory-technicians-column = Technicians
territory-partners-column = Partners
territory-area-legend = Area on the map
territory-map-hint = Click the map to add a point; drag a point to move it, drag or click a small square between two points to add one there; select a point, then remove it with the button below.
territory-map-vertex = Point of the area
territory-map-midpoint = Add a point here
territory-map-remove-point = Remove the selected point
territory-map-clear = Clear the area
territory-area-label = Points of the area
territory-area-hint = One point a line, latitude then longitude, such as 45.52, -73.58. At least three points; the last joins the first. Leave empty for no area.
territory-save-button = Save territory

territory-members-heading = Who is in it
territory-customers-heading = Customer accounts ({ $count })
territory-customers-none = No customer account is in this territory.
territory-partner-accounts-heading = Partner accounts ({ $count })
territory-accounts-more = { $count } accounts in all; the first 200 of each kind are listed.
territory-technicians-heading = Technicians serving it ({ $count })
territory-technicians-none = No technician serves this territory.
territory-partners-heading = Partners serving it ({ $count })
territory-partners-none = No partner serves this territory.
territory-inactive = inactive

territory-remove-heading = Remove this territory
territory-remove-help = Nothing refers to this territory: removing it cannot be undone (the audit log keeps what it was).
territory-remove-button = Remove territory
territory-remove-blocked = A territory can be removed once no account is in it and no technician or partner serves it.

territory-notice-created = Territory created.
territory-notice-deleted = Territory removed.
territory-saved-accounts = { $moved ->
    [0] No account changed territory.
    [one] 1 account changed territory; { $joined } of them now in { $territory }.
   *[other] { $moved } accounts changed territory; { $joined } of them now in { $territory }.
}
territory-saved-visits = { $technicians ->
    [one] An address left the territory of 1 technician with visits planned there:
   *[other] Addresses left the territories of { $technicians } technicians with visits planned there:
} { $reassigned } visits given to another technician at the same time, { $flagged } waiting for the customer to pick a new time.
territory-error-taken = Another territory has this name: choose another.
territory-error-changed = Someone else saved this territory in the meantime. The form now shows their version: make your change again.
territory-error-in-use = This territory cannot be removed while something refers to it: { $accounts } accounts in it, { $technicians } technicians and { $partners } partners serving it.

invalid-postal-prefix = A postal-code prefix has 1 to 10 letters and digits, such as H2J.
invalid-too-many-prefixes = A territory has at most 200 postal-code prefixes.
invalid-prefixes-or-area = Give postal-code prefixes or draw an area (or both).
invalid-area-line = Each line is one point: a latitude and a longitude with a decimal point, such as 45.52, -73.58.
invalid-self-intersecting = The edges of the area cross or touch each other: move the points so that it has one inside.
invalid-too-many-vertices = An area has at most 500 points.

audit-kind-territory = Territory
audit-action-territory-create = Created a territory
audit-action-territory-update = Edited a territory
audit-action-territory-delete = Removed a territory
