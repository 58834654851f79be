//! Montréal as the demo knows it: six boroughs with their real forward sortation areas (the
//! first three characters of a postal code), a polygon roughly following each borough's limits
//! with real coordinates, and real street names; plus the names people and businesses get.

use crate::rng::Rng;
use onsite_domain::InvalidInput;
use onsite_domain::geo::{GeoPoint, Polygon};

pub const CITY: &str = "Montréal";
pub const COUNTRY: &str = "CA";
pub const TIME_ZONE: &str = "America/Toronto";

pub struct Borough {
    pub name: &'static str,
    pub fsas: &'static [&'static str],
    /// (latitude, longitude), in order around the borough.
    pub polygon: &'static [(f64, f64)],
    pub streets: &'static [&'static str],
    /// Boroughs next to this one (indices into [`BOROUGHS`]): technicians often cover one.
    pub neighbours: &'static [usize],
}

pub const VILLE_MARIE: usize = 0;
pub const PLATEAU: usize = 1;
pub const ROSEMONT: usize = 2;
pub const CDN_NDG: usize = 3;
pub const VERDUN: usize = 4;
pub const SAINT_LAURENT: usize = 5;

pub const BOROUGHS: [Borough; 6] = [
    Borough {
        name: "Ville-Marie",
        fsas: &["H2Y", "H2Z", "H3A", "H3B", "H3G", "H2L"],
        polygon: &[
            (45.4890, -73.5700),
            (45.4905, -73.5875),
            (45.4985, -73.5930),
            (45.5065, -73.5930),
            (45.5125, -73.5850),
            (45.5150, -73.5760),
            (45.5190, -73.5680),
            (45.5280, -73.5605),
            (45.5380, -73.5470),
            (45.5300, -73.5390),
            (45.5160, -73.5460),
            (45.5050, -73.5500),
            (45.4960, -73.5570),
        ],
        streets: &[
            "Rue Sainte-Catherine Ouest",
            "Boulevard René-Lévesque Ouest",
            "Rue Sherbrooke Ouest",
            "Rue Peel",
            "Rue Saint-Paul Ouest",
            "Rue de la Commune Ouest",
            "Rue Notre-Dame Ouest",
            "Rue Drummond",
            "Rue Stanley",
            "Rue Crescent",
            "Rue University",
            "Rue Ontario Est",
            "Rue Amherst",
            "Rue Wolfe",
            "Boulevard De Maisonneuve Ouest",
        ],
        neighbours: &[PLATEAU, CDN_NDG, VERDUN],
    },
    Borough {
        name: "Le Plateau-Mont-Royal",
        fsas: &["H2J", "H2T", "H2W", "H2H"],
        polygon: &[
            (45.5125, -73.5850),
            (45.5255, -73.5990),
            (45.5290, -73.6060),
            (45.5340, -73.5990),
            (45.5400, -73.5830),
            (45.5430, -73.5700),
            (45.5350, -73.5560),
            (45.5280, -73.5605),
            (45.5190, -73.5680),
            (45.5150, -73.5760),
        ],
        streets: &[
            "Avenue du Mont-Royal Est",
            "Rue Saint-Denis",
            "Boulevard Saint-Laurent",
            "Avenue Laurier Est",
            "Rue Rachel Est",
            "Avenue Duluth Est",
            "Rue Marie-Anne Est",
            "Avenue Christophe-Colomb",
            "Rue Fabre",
            "Avenue de l'Esplanade",
            "Rue Saint-Viateur Ouest",
            "Avenue Fairmount Ouest",
            "Rue Boyer",
            "Avenue Papineau",
            "Rue Garnier",
        ],
        neighbours: &[VILLE_MARIE, ROSEMONT],
    },
    Borough {
        name: "Rosemont–La Petite-Patrie",
        fsas: &["H1X", "H1Y", "H2G", "H2S", "H1T"],
        polygon: &[
            (45.5290, -73.6060),
            (45.5360, -73.6200),
            (45.5480, -73.6050),
            (45.5650, -73.5830),
            (45.5800, -73.5620),
            (45.5700, -73.5450),
            (45.5530, -73.5600),
            (45.5430, -73.5700),
            (45.5400, -73.5830),
            (45.5340, -73.5990),
        ],
        streets: &[
            "Boulevard Rosemont",
            "Rue Beaubien Est",
            "Rue Masson",
            "Rue Saint-Hubert",
            "Rue Bélanger",
            "Rue Jean-Talon Est",
            "Rue Dante",
            "Boulevard Saint-Michel",
            "1re Avenue",
            "6e Avenue",
            "Rue Molson",
            "Rue Saint-Zotique Est",
            "Rue de Bordeaux",
            "Rue Drolet",
            "Avenue Papineau",
        ],
        neighbours: &[PLATEAU],
    },
    Borough {
        name: "Côte-des-Neiges–Notre-Dame-de-Grâce",
        fsas: &["H3S", "H3T", "H3V", "H3W", "H4A", "H4B"],
        polygon: &[
            (45.4990, -73.6030),
            (45.5080, -73.6130),
            (45.5110, -73.6300),
            (45.4950, -73.6520),
            (45.4720, -73.6550),
            (45.4610, -73.6400),
            (45.4680, -73.6050),
            (45.4790, -73.6000),
        ],
        streets: &[
            "Chemin de la Côte-des-Neiges",
            "Avenue de Monkland",
            "Rue Sherbrooke Ouest",
            "Boulevard Décarie",
            "Avenue Van Horne",
            "Chemin Queen-Mary",
            "Avenue Somerled",
            "Avenue Girouard",
            "Chemin de la Côte-Sainte-Catherine",
            "Avenue Victoria",
            "Avenue de Darlington",
            "Rue Jean-Brillant",
            "Avenue Walkley",
            "Avenue Benny",
            "Boulevard Cavendish",
        ],
        neighbours: &[VILLE_MARIE, SAINT_LAURENT, VERDUN],
    },
    Borough {
        name: "Verdun",
        fsas: &["H3E", "H4G", "H4H"],
        polygon: &[
            (45.4720, -73.5580),
            (45.4640, -73.5530),
            (45.4480, -73.5740),
            (45.4370, -73.5920),
            (45.4440, -73.5990),
            (45.4600, -73.5800),
            (45.4680, -73.5700),
        ],
        streets: &[
            "Rue Wellington",
            "Boulevard LaSalle",
            "Rue de Verdun",
            "Boulevard Champlain",
            "Rue Galt",
            "Avenue de l'Église",
            "Rue Egan",
            "Rue Gordon",
            "Rue Hickson",
            "Rue Willibrord",
            "Rue Bannantyne",
            "Rue Argyle",
            "Rue Brault",
            "Rue Osborne",
            "Rue Rielle",
        ],
        neighbours: &[VILLE_MARIE, CDN_NDG],
    },
    Borough {
        name: "Saint-Laurent",
        fsas: &["H4L", "H4M", "H4N", "H4R", "H4S"],
        polygon: &[
            (45.5020, -73.6580),
            (45.5200, -73.6500),
            (45.5360, -73.6720),
            (45.5290, -73.7150),
            (45.5080, -73.7500),
            (45.4880, -73.7280),
            (45.4910, -73.6900),
        ],
        streets: &[
            "Boulevard de la Côte-Vertu",
            "Boulevard Marcel-Laurin",
            "Boulevard Décarie",
            "Rue Grenet",
            "Boulevard Thimens",
            "Rue du Collège",
            "Boulevard Henri-Bourassa Ouest",
            "Boulevard Cavendish",
            "Rue Poirier",
            "Boulevard Alexis-Nihon",
            "Rue Ouimet",
            "Avenue Sainte-Croix",
            "Rue Saint-Louis",
            "Boulevard Toupin",
            "Rue Tassé",
        ],
        neighbours: &[CDN_NDG],
    },
];

impl Borough {
    pub fn polygon(&self) -> Result<Polygon, InvalidInput> {
        let vertices = self
            .polygon
            .iter()
            .map(|&(lat, lon)| GeoPoint::new(lat, lon))
            .collect::<Result<_, _>>()?;
        Polygon::new(vertices)
    }

    /// A uniformly random point inside the borough's polygon (rejection sampling in its
    /// bounding box; the centre if, against all odds, a thousand tries miss).
    pub fn random_point(&self, rng: &mut Rng) -> Result<GeoPoint, InvalidInput> {
        let poly = self.polygon()?;
        let (mut lat0, mut lat1, mut lon0, mut lon1) = (90.0_f64, -90.0_f64, 180.0_f64, -180.0_f64);
        for &(lat, lon) in self.polygon {
            lat0 = lat0.min(lat);
            lat1 = lat1.max(lat);
            lon0 = lon0.min(lon);
            lon1 = lon1.max(lon);
        }
        for _ in 0..1000 {
            let lat = lat0 + (lat1 - lat0) * rng.unit();
            let lon = lon0 + (lon1 - lon0) * rng.unit();
            let p = GeoPoint::new(round6(lat), round6(lon))?;
            if poly.contains(p) {
                return Ok(p);
            }
        }
        self.centre()
    }

    /// The average of the vertices (inside for these nearly convex shapes; tested).
    pub fn centre(&self) -> Result<GeoPoint, InvalidInput> {
        let n = self.polygon.len().max(1) as f64;
        let lat = self.polygon.iter().map(|p| p.0).sum::<f64>() / n;
        let lon = self.polygon.iter().map(|p| p.1).sum::<f64>() / n;
        GeoPoint::new(round6(lat), round6(lon))
    }

    /// A postal code in the borough: one of its FSAs and a random local delivery unit.
    pub fn postal_code(&self, rng: &mut Rng) -> String {
        // Letters Canada Post never uses in postal codes: D, F, I, O, Q, U.
        const LETTERS: &[u8] = b"ABCEGHJKLMNPRSTVWXYZ";
        let fsa = rng.of(self.fsas);
        let letter = char::from(rng.of(LETTERS));
        format!("{fsa} {}{letter}{}", rng.below(10), rng.below(10))
    }

    /// A street address on one of the borough's streets.
    pub fn street_address(&self, rng: &mut Rng) -> String {
        let number = rng.range(1, 78) * 50 + rng.range(0, 49);
        format!("{number} {}", rng.of(self.streets))
    }
}

/// Six decimals (about 10 cm) are plenty, and keep stored coordinates short and exact.
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

pub const FIRST_NAMES: &[&str] = &[
    "Marie",
    "Jean",
    "Sophie",
    "Luc",
    "Isabelle",
    "Mathieu",
    "Nathalie",
    "Olivier",
    "Émilie",
    "Alexandre",
    "Camille",
    "Gabriel",
    "Léa",
    "Samuel",
    "Chloé",
    "William",
    "Fatima",
    "Mohamed",
    "Priya",
    "Wei",
    "Ahmed",
    "Catherine",
    "François",
    "Julie",
    "Marc",
    "Valérie",
    "Simon",
    "Geneviève",
    "David",
    "Sarah",
    "Karim",
    "Amélie",
    "Patrick",
    "Mélanie",
    "Louis",
    "Anne",
    "Pierre",
    "Stéphanie",
    "Yasmine",
    "Carlos",
    "Ana",
    "Dimitri",
    "Elena",
    "Thi Lan",
    "Rosalie",
    "Félix",
    "Maëlle",
    "Hugo",
    "Noémie",
    "Raphaël",
];

pub const LAST_NAMES: &[&str] = &[
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Paquette",
    "Girard",
    "Simard",
    "Boucher",
    "Caron",
    "Beaulieu",
    "Cloutier",
    "Dubé",
    "Poirier",
    "Fournier",
    "Lapointe",
    "Leclerc",
    "Lefebvre",
    "Nguyen",
    "Haddad",
    "Tran",
    "Cohen",
    "Rossi",
    "Papadopoulos",
    "Khan",
    "Da Silva",
    "Chen",
    "Singh",
    "Martin",
    "Smith",
    "O'Brien",
    "Kowalski",
    "Joseph",
    "Saint-Louis",
    "Benali",
    "Mercier",
];

pub const FOOD_KINDS: &[&str] = &[
    "Boulangerie",
    "Pâtisserie",
    "Café",
    "Restaurant",
    "Bistro",
    "Épicerie",
    "Dépanneur",
    "Fromagerie",
    "Brasserie",
    "Traiteur",
];

pub const OFFICE_KINDS: &[&str] = &[
    "Clinique dentaire",
    "Clinique vétérinaire",
    "Pharmacie",
    "Studio de yoga",
    "Librairie",
    "Salon de coiffure",
    "Centre de physiothérapie",
    "Bureau d'architectes",
    "Cabinet comptable",
    "Galerie d'art",
];

/// Lower-case ASCII for email addresses and domain names: accents folded, spaces and
/// apostrophes dropped, other punctuation turned into `-`.
pub fn ascii_slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'â' | 'ä' | 'á' => "a",
            'ç' => "c",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' => "i",
            'ô' | 'ö' | 'ó' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'œ' => "oe",
            'æ' => "ae",
            '\'' | '’' => "",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        out.push_str(folded);
    }
    let trimmed: Vec<&str> = out.split('-').filter(|p| !p.is_empty()).collect();
    trimmed.join("-")
}

/// A made-up email domain for a business: its name as a slug (at most 40 characters, cut at a
/// word) under the reserved `.example` top-level domain, so no demo email can reach anyone.
pub fn email_domain(name: &str) -> String {
    let slug = ascii_slug(name);
    let mut label = String::new();
    for word in slug.split('-') {
        if !label.is_empty() && label.len() + 1 + word.len() > 40 {
            break;
        }
        if !label.is_empty() {
            label.push('-');
        }
        label.push_str(word);
    }
    label.truncate(40);
    format!("{}.example", label.trim_end_matches('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borough_shapes_are_real_polygons_with_their_centre_inside() {
        for b in &BOROUGHS {
            assert_eq!(
                b.polygon().unwrap().vertices().len(),
                b.polygon.len(),
                "{}",
                b.name
            );
            assert!(
                b.polygon().unwrap().contains(b.centre().unwrap()),
                "{}",
                b.name
            );
            assert!(!b.fsas.is_empty() && b.streets.len() >= 10, "{}", b.name);
        }
    }

    #[test]
    fn landmarks_fall_in_their_borough() {
        let inside = |b: usize, lat, lon| {
            BOROUGHS[b]
                .polygon()
                .unwrap()
                .contains(GeoPoint::new(lat, lon).unwrap())
        };
        assert!(inside(VILLE_MARIE, 45.5040, -73.5717), "McGill metro");
        assert!(inside(PLATEAU, 45.5246, -73.5815), "Mont-Royal metro");
        assert!(inside(ROSEMONT, 45.5355, -73.6043), "Beaubien metro");
        assert!(inside(CDN_NDG, 45.4856, -73.6281), "Snowdon metro");
        assert!(inside(VERDUN, 45.4594, -73.5718), "Verdun metro");
        assert!(inside(SAINT_LAURENT, 45.5143, -73.6830), "Côte-Vertu metro");
        assert!(!inside(VERDUN, 45.5246, -73.5815));
    }

    #[test]
    fn random_points_and_postal_codes_belong_to_the_borough() {
        let mut rng = Rng::new(3);
        for b in &BOROUGHS {
            let poly = b.polygon().unwrap();
            for _ in 0..50 {
                assert!(poly.contains(b.random_point(&mut rng).unwrap()));
                let code = b.postal_code(&mut rng);
                assert!(b.fsas.contains(&&code[..3]) && code.len() == 7, "{code}");
            }
        }
    }

    #[test]
    fn email_domains_are_short_and_reserved() {
        assert_eq!(
            email_domain("Boulangerie Fabre"),
            "boulangerie-fabre.example"
        );
        let long =
            email_domain("Syndicat de copropriété du 1234 Chemin de la Côte-Sainte-Catherine");
        assert!(
            long.len() <= 48 && long.ends_with(".example") && !long.contains("-."),
            "{long}"
        );
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(ascii_slug("Émilie"), "emilie");
        assert_eq!(ascii_slug("O'Brien"), "obrien");
        assert_eq!(
            ascii_slug("Boulangerie Côté & fils"),
            "boulangerie-cote-fils"
        );
        assert_eq!(ascii_slug("Saint-Louis"), "saint-louis");
        assert_eq!(ascii_slug("Thi Lan"), "thi-lan");
    }
}
