//! What the demo company does: a Montréal multi-trade service company (heating, cooling,
//! refrigeration, plumbing, electrical, appliances, fire alarms). Its skills, service types,
//! the equipment its customers own, its technicians' profiles and shifts, and what partners sell.

/// Characteristics (skills), by index.
pub const HVAC: usize = 0;
pub const HEAT_PUMPS: usize = 1;
pub const REFRIGERATION: usize = 2;
pub const GAS: usize = 3;
pub const BOILERS: usize = 4;
pub const PLUMBING: usize = 5;
pub const ELECTRICAL: usize = 6;
pub const APPLIANCES: usize = 7;
pub const FIRE: usize = 8;
pub const CONTROLS: usize = 9;

pub const CHARACTERISTICS: [&str; 10] = [
    "HVAC",
    "Heat pumps",
    "Commercial refrigeration",
    "Gas fitting",
    "Boilers",
    "Plumbing",
    "Electrical",
    "Appliance repair",
    "Fire alarm systems",
    "Building automation",
];

pub struct ServiceTypeDef {
    pub name: &'static str,
    pub description: &'static str,
    pub minutes: i64,
    /// (characteristic, minimum rating).
    pub skills: &'static [(usize, i64)],
    pub self_scheduling: bool,
    pub active: bool,
    /// Labour rate, cents per hour.
    pub rate: i64,
    /// Parts that may appear on the invoice: (description, unit price in cents).
    pub parts: &'static [(&'static str, i64)],
    /// What the customer reported or what the visit is for.
    pub summaries: &'static [&'static str],
    /// Covered by a maintenance agreement rather than invoiced on its own.
    pub maintenance: bool,
}

pub const FURNACE_MAINTENANCE: usize = 0;
pub const AC_REPAIR: usize = 1;
pub const HEAT_PUMP_INSTALL: usize = 2;
pub const BOILER_INSPECTION: usize = 3;
pub const GAS_CHECK: usize = 4;
pub const WATER_HEATER_REPAIR: usize = 5;
pub const LEAK_REPAIR: usize = 6;
pub const APPLIANCE_REPAIR: usize = 7;
pub const REFRIGERATION_SERVICE: usize = 8;
pub const COOLER_EMERGENCY: usize = 9;
pub const FIRE_ALARM_INSPECTION: usize = 10;
pub const PANEL_INSPECTION: usize = 11;
pub const BMS_TUNE_UP: usize = 12;
pub const RTU_START_UP: usize = 13;

pub const SERVICE_TYPES: [ServiceTypeDef; 15] = [
    ServiceTypeDef {
        name: "Furnace or heat pump maintenance",
        description: "Yearly cleaning, filter, safety checks. — Entretien annuel : nettoyage, filtre, vérifications.",
        minutes: 60,
        skills: &[(HVAC, 4)],
        self_scheduling: true,
        active: true,
        rate: 11_500,
        parts: &[
            ("Filter MERV 11 / Filtre MERV 11", 2_999),
            ("Flame sensor / Détecteur de flamme", 3_450),
        ],
        summaries: &[
            "Annual maintenance",
            "Entretien annuel avant l'hiver",
            "Filter change and inspection",
        ],
        maintenance: true,
    },
    ServiceTypeDef {
        name: "Air conditioning repair",
        description: "No cooling, leaks, noise. — Climatisation : panne, fuite, bruit.",
        minutes: 90,
        skills: &[(HVAC, 5)],
        self_scheduling: true,
        active: true,
        rate: 12_500,
        parts: &[
            ("Run capacitor 45/5 µF / Condensateur", 4_850),
            ("Contactor 30 A / Contacteur", 6_200),
            ("Refrigerant R-410A (lb)", 9_500),
        ],
        summaries: &[
            "No cooling on the sales floor",
            "Climatiseur bruyant",
            "Unit trips the breaker",
            "Pas de froid",
        ],
        maintenance: false,
    },
    ServiceTypeDef {
        name: "Heat pump installation",
        description: "Installation after an approved estimate. — Installation après soumission acceptée.",
        minutes: 240,
        skills: &[(HEAT_PUMPS, 6), (ELECTRICAL, 3)],
        self_scheduling: false,
        active: true,
        rate: 12_500,
        parts: &[
            ("Line set 25 ft / Ensemble de conduites", 24_900),
            ("Wall bracket / Support mural", 13_500),
        ],
        summaries: &[
            "Install ductless heat pump (approved estimate)",
            "Remplacement fournaise par thermopompe",
        ],
        maintenance: false,
    },
    ServiceTypeDef {
        name: "Boiler inspection",
        description: "Combustion analysis, pressure and safety tests. — Inspection de chaudière.",
        minutes: 90,
        skills: &[(BOILERS, 5)],
        self_scheduling: true,
        active: true,
        rate: 12_000,
        parts: &[
            ("Pressure relief valve / Soupape de sûreté", 8_900),
            ("Ignition electrode / Électrode", 5_600),
        ],
        summaries: &[
            "Annual boiler inspection",
            "Radiateurs froids au 3e étage",
            "Boiler pressure drops",
        ],
        maintenance: true,
    },
    ServiceTypeDef {
        name: "Gas appliance safety check",
        description: "Leak test and venting check. — Vérification de sécurité des appareils au gaz.",
        minutes: 45,
        skills: &[(GAS, 5)],
        self_scheduling: true,
        active: true,
        rate: 11_500,
        parts: &[("Thermocouple", 3_500), ("Gas valve gasket / Joint", 1_250)],
        summaries: &[
            "Gas smell near the furnace",
            "Vérification annuelle gaz",
            "Pilot keeps going out",
        ],
        maintenance: true,
    },
    ServiceTypeDef {
        name: "Water heater repair",
        description: "No hot water, leaks, elements. — Chauffe-eau : pas d'eau chaude, fuite.",
        minutes: 90,
        skills: &[(PLUMBING, 5)],
        self_scheduling: true,
        active: true,
        rate: 11_000,
        parts: &[
            ("Heating element 4500 W / Élément", 4_200),
            ("Thermostat", 3_800),
            ("Anode rod / Anode", 5_900),
        ],
        summaries: &["No hot water", "Chauffe-eau qui fuit", "Water is lukewarm"],
        maintenance: false,
    },
    ServiceTypeDef {
        name: "Plumbing leak repair",
        description: "Leaking pipes, valves and fixtures. — Réparation de fuite.",
        minutes: 60,
        skills: &[(PLUMBING, 4)],
        self_scheduling: true,
        active: true,
        rate: 11_000,
        parts: &[
            ("Ball valve 3/4\" / Robinet", 2_450),
            ("Copper fittings / Raccords", 1_800),
        ],
        summaries: &[
            "Leak under the kitchen sink",
            "Fuite au sous-sol",
            "Dripping valve in the mechanical room",
        ],
        maintenance: false,
    },
    ServiceTypeDef {
        name: "Appliance repair",
        description: "Washers, dryers, dishwashers, refrigerators. — Réparation d'électroménagers.",
        minutes: 60,
        skills: &[(APPLIANCES, 4)],
        self_scheduling: true,
        active: true,
        rate: 9_900,
        parts: &[
            ("Drain pump / Pompe de vidange", 8_900),
            ("Door gasket / Joint de porte", 6_500),
            ("Belt / Courroie", 2_900),
        ],
        summaries: &[
            "Washer does not drain",
            "Sécheuse ne chauffe plus",
            "Dishwasher leaks",
            "Frigo trop chaud",
        ],
        maintenance: false,
    },
    ServiceTypeDef {
        name: "Commercial refrigeration service",
        description: "Coolers, freezers and reach-ins. — Réfrigération commerciale.",
        minutes: 120,
        skills: &[(REFRIGERATION, 6)],
        self_scheduling: true,
        active: true,
        rate: 13_500,
        parts: &[
            ("Evaporator fan motor / Moteur de ventilateur", 18_900),
            ("Refrigerant R-404A (lb)", 11_000),
        ],
        summaries: &[
            "Quarterly cooler maintenance",
            "Chambre froide à 8 °C",
            "Ice on the evaporator",
        ],
        maintenance: true,
    },
    ServiceTypeDef {
        name: "Walk-in cooler emergency",
        description: "Same-day response for a failed cooler (call dispatch). — Urgence chambre froide.",
        minutes: 120,
        skills: &[(REFRIGERATION, 7)],
        self_scheduling: false,
        active: true,
        rate: 18_500,
        parts: &[
            ("Compressor contactor / Contacteur", 7_500),
            ("Expansion valve / Détendeur", 32_500),
        ],
        summaries: &[
            "Walk-in cooler down — stock at risk",
            "Chambre froide en panne",
        ],
        maintenance: false,
    },
    ServiceTypeDef {
        name: "Fire alarm inspection",
        description: "Yearly inspection to CAN/ULC-S536. — Inspection annuelle du système d'alarme incendie.",
        minutes: 120,
        skills: &[(FIRE, 5)],
        self_scheduling: true,
        active: true,
        rate: 11_000,
        parts: &[
            ("Smoke detector / Détecteur de fumée", 7_900),
            ("Backup battery 12 V / Batterie", 4_500),
        ],
        summaries: &[
            "Annual fire alarm inspection",
            "Trouble signal on the panel",
            "Inspection annuelle S536",
        ],
        maintenance: true,
    },
    ServiceTypeDef {
        name: "Electrical panel inspection",
        description: "Thermography and breaker checks. — Inspection de panneau électrique.",
        minutes: 60,
        skills: &[(ELECTRICAL, 6)],
        self_scheduling: true,
        active: true,
        rate: 12_000,
        parts: &[
            ("Breaker 20 A / Disjoncteur", 2_800),
            ("AFCI breaker / Disjoncteur DDFA", 6_900),
        ],
        summaries: &[
            "Breaker keeps tripping",
            "Inspection pour l'assureur",
            "Warm panel cover",
        ],
        maintenance: true,
    },
    ServiceTypeDef {
        name: "Building automation tune-up",
        description: "Schedules, setpoints and sensors. — Mise au point du système de gestion du bâtiment.",
        minutes: 120,
        skills: &[(CONTROLS, 5), (HVAC, 4)],
        self_scheduling: false,
        active: true,
        rate: 14_500,
        parts: &[("Temperature sensor / Sonde", 8_500)],
        summaries: &[
            "Seasonal controls tune-up",
            "Horaires de chauffage à revoir",
        ],
        maintenance: true,
    },
    ServiceTypeDef {
        name: "Rooftop unit seasonal start-up",
        description: "Spring start-up or fall shutdown of rooftop units. — Mise en marche saisonnière.",
        minutes: 150,
        skills: &[(HVAC, 6)],
        self_scheduling: true,
        active: true,
        rate: 12_500,
        parts: &[
            ("Belt A-38 / Courroie", 2_400),
            ("Filters 20×25 (box of 12)", 8_900),
        ],
        summaries: &[
            "Spring start-up",
            "Mise en marche du printemps",
            "Fall shutdown",
        ],
        maintenance: true,
    },
    ServiceTypeDef {
        name: "Oil furnace cleaning",
        description: "Retired: oil heating is being phased out in Québec. — Retiré.",
        minutes: 90,
        skills: &[(HVAC, 4)],
        self_scheduling: false,
        active: false,
        rate: 11_500,
        parts: &[],
        summaries: &[],
        maintenance: false,
    },
];

pub struct Component {
    pub name: &'static str,
    pub product: &'static str,
    pub exposed: bool,
    pub children: &'static [Component],
}

pub struct AssetKind {
    pub name: &'static str,
    pub products: &'static [&'static str],
    pub serial_prefix: &'static str,
    /// (characteristic, minimum rating) needed to work on it.
    pub skills: &'static [(usize, i64)],
    /// Service types that apply to it.
    pub jobs: &'static [usize],
    pub exposed: bool,
    pub components: &'static [Component],
}

pub const FURNACE: AssetKind = AssetKind {
    name: "Gas furnace",
    products: &["Lennox SL280V", "Carrier Infinity 98", "Trane S9V2"],
    serial_prefix: "FUR",
    skills: &[(GAS, 4)],
    jobs: &[FURNACE_MAINTENANCE, GAS_CHECK],
    exposed: true,
    components: &[],
};

pub const HEAT_PUMP: AssetKind = AssetKind {
    name: "Heat pump",
    products: &[
        "Mitsubishi Zuba H2i",
        "Daikin Aurora",
        "Fujitsu Halcyon XLTH",
    ],
    serial_prefix: "HP",
    skills: &[(HEAT_PUMPS, 4)],
    jobs: &[FURNACE_MAINTENANCE, AC_REPAIR],
    exposed: true,
    components: &[
        Component {
            name: "Outdoor unit",
            product: "Outdoor unit",
            exposed: true,
            children: &[],
        },
        Component {
            name: "Indoor head — living room",
            product: "Wall-mounted head",
            exposed: true,
            children: &[],
        },
        Component {
            name: "Indoor head — bedroom",
            product: "Wall-mounted head",
            exposed: true,
            children: &[],
        },
    ],
};

pub const BOILER: AssetKind = AssetKind {
    name: "Hot-water boiler",
    products: &[
        "Viessmann Vitodens 200",
        "Navien NHB-150",
        "Weil-McLain Ultra",
    ],
    serial_prefix: "BLR",
    skills: &[(BOILERS, 4)],
    jobs: &[BOILER_INSPECTION, GAS_CHECK],
    exposed: true,
    components: &[
        Component {
            name: "Burner",
            product: "Modulating burner",
            exposed: true,
            children: &[],
        },
        Component {
            name: "Circulator pump",
            product: "Grundfos Alpha2",
            exposed: true,
            children: &[],
        },
        Component {
            name: "Expansion tank",
            product: "Amtrol Extrol 30",
            exposed: false,
            children: &[],
        },
    ],
};

pub const WATER_HEATER: AssetKind = AssetKind {
    name: "Water heater",
    products: &[
        "Giant 60 gal electric",
        "Rheem Marathon 50 gal",
        "Bradford White 40 gal",
    ],
    serial_prefix: "WH",
    skills: &[],
    jobs: &[WATER_HEATER_REPAIR],
    exposed: true,
    components: &[],
};

pub const HOME_APPLIANCES: [AssetKind; 4] = [
    AssetKind {
        name: "Washer",
        products: &["Whirlpool WFW5620", "LG WM3600"],
        serial_prefix: "WSH",
        skills: &[],
        jobs: &[APPLIANCE_REPAIR],
        exposed: true,
        components: &[],
    },
    AssetKind {
        name: "Dryer",
        products: &["Whirlpool WED5620", "Samsung DVE45"],
        serial_prefix: "DRY",
        skills: &[],
        jobs: &[APPLIANCE_REPAIR],
        exposed: true,
        components: &[],
    },
    AssetKind {
        name: "Dishwasher",
        products: &["Bosch 800 Series", "KitchenAid KDTM404"],
        serial_prefix: "DW",
        skills: &[],
        jobs: &[APPLIANCE_REPAIR],
        exposed: true,
        components: &[],
    },
    AssetKind {
        name: "Refrigerator",
        products: &["Frigidaire Gallery", "Samsung RF28"],
        serial_prefix: "REF",
        skills: &[],
        jobs: &[APPLIANCE_REPAIR],
        exposed: true,
        components: &[],
    },
];

pub const ELECTRICAL_PANEL: AssetKind = AssetKind {
    name: "Electrical panel 200 A",
    products: &["Schneider Square D QO", "Eaton BR"],
    serial_prefix: "PNL",
    skills: &[],
    jobs: &[PANEL_INSPECTION],
    exposed: true,
    components: &[],
};

pub const ROOFTOP_UNIT: AssetKind = AssetKind {
    name: "Rooftop unit",
    products: &[
        "Lennox Energence LGH 7.5 t",
        "Carrier WeatherMaker 48FC 10 t",
        "Trane Voyager 12.5 t",
    ],
    serial_prefix: "RTU",
    skills: &[(HVAC, 6)],
    jobs: &[RTU_START_UP, AC_REPAIR],
    exposed: true,
    components: &[
        Component {
            name: "Compressor",
            product: "Copeland Scroll ZP",
            exposed: true,
            children: &[Component {
                name: "Compressor contactor",
                product: "3-pole 40 A",
                exposed: false,
                children: &[],
            }],
        },
        Component {
            name: "Condenser fan motor",
            product: "1/3 hp PSC",
            exposed: true,
            children: &[],
        },
        Component {
            name: "Supply blower",
            product: "Belt-drive blower",
            exposed: true,
            children: &[],
        },
        Component {
            name: "Unit controller board",
            product: "Prodigy 2.0",
            exposed: false,
            children: &[],
        },
    ],
};

pub const WALK_IN_COOLER: AssetKind = AssetKind {
    name: "Walk-in cooler",
    products: &["Kolpak 8×10", "Norlake 6×8"],
    serial_prefix: "WIC",
    skills: &[(REFRIGERATION, 6)],
    jobs: &[REFRIGERATION_SERVICE, COOLER_EMERGENCY],
    exposed: true,
    components: &[
        Component {
            name: "Condensing unit",
            product: "Copeland 2 hp",
            exposed: true,
            children: &[],
        },
        Component {
            name: "Evaporator coil",
            product: "Heatcraft LET",
            exposed: true,
            children: &[],
        },
    ],
};

pub const REACH_IN: AssetKind = AssetKind {
    name: "Reach-in refrigerator",
    products: &["True T-49", "Turbo Air M3R47"],
    serial_prefix: "RIN",
    skills: &[(REFRIGERATION, 5)],
    jobs: &[REFRIGERATION_SERVICE],
    exposed: true,
    components: &[],
};

pub const FIRE_PANEL: AssetKind = AssetKind {
    name: "Fire alarm panel",
    products: &["Edwards EST3", "Notifier NFS-320", "Mircom FX-2000"],
    serial_prefix: "FAP",
    skills: &[(FIRE, 5)],
    jobs: &[FIRE_ALARM_INSPECTION],
    exposed: true,
    components: &[Component {
        name: "Detector loop — all floors",
        product: "Addressable loop",
        exposed: true,
        children: &[],
    }],
};

pub const BMS_CONTROLLER: AssetKind = AssetKind {
    name: "Building automation controller",
    products: &["Distech ECLYPSE APEX", "Johnson Controls Metasys"],
    serial_prefix: "BMS",
    skills: &[(CONTROLS, 5)],
    jobs: &[BMS_TUNE_UP],
    // Internal equipment: the company manages it, customers never see it in the portal.
    exposed: false,
    components: &[],
};

/// A technician profile: skills with base ratings.
pub const PROFILES: [&[(usize, i64)]; 6] = [
    &[(HVAC, 7), (HEAT_PUMPS, 6), (ELECTRICAL, 3), (CONTROLS, 5)],
    &[(REFRIGERATION, 8), (HVAC, 5), (ELECTRICAL, 3)],
    &[(PLUMBING, 7), (BOILERS, 6), (GAS, 5)],
    &[(GAS, 8), (BOILERS, 7), (HVAC, 4)],
    &[(APPLIANCES, 7), (ELECTRICAL, 5)],
    &[(ELECTRICAL, 8), (FIRE, 6), (CONTROLS, 5)],
];

/// Weekly shifts: (ISO weekdays, periods in minutes of the local day).
pub struct Shift {
    pub days: &'static [i8],
    pub periods: &'static [(u16, u16)],
}

pub const SHIFTS: [Shift; 6] = [
    Shift {
        days: &[1, 2, 3, 4, 5],
        periods: &[(8 * 60, 16 * 60 + 30)],
    },
    Shift {
        days: &[1, 2, 3, 4, 5],
        periods: &[(7 * 60, 15 * 60 + 30)],
    },
    Shift {
        days: &[2, 3, 4, 5, 6],
        periods: &[(9 * 60, 17 * 60 + 30)],
    },
    Shift {
        days: &[1, 2, 3, 4],
        periods: &[(7 * 60, 17 * 60 + 30)],
    },
    Shift {
        days: &[1, 2, 3, 4, 5],
        periods: &[(8 * 60, 12 * 60), (12 * 60 + 45, 17 * 60)],
    },
    Shift {
        days: &[3, 4, 5, 6, 7],
        periods: &[(10 * 60, 18 * 60 + 30)],
    },
];

/// The shift of the demo technician and of their second: every day, so they have visits (and
/// room to take one of the other's) whatever day the demo loads.
pub const EVERY_DAY: Shift = Shift {
    days: &[1, 2, 3, 4, 5, 6, 7],
    periods: &[(8 * 60, 16 * 60)],
};

pub const TECHNICIAN_NAMES: [&str; 36] = [
    "Alexandre Tremblay",
    "Nadia Benali",
    "Éric Gagnon",
    "Sébastien Roy",
    "Julie Fortin",
    "Martin Côté",
    "Karim Haddad",
    "Isabelle Morin",
    "Patrick Lavoie",
    "Minh Nguyen",
    "Chantal Bouchard",
    "Jonathan Leblanc",
    "Marc-André Pelletier",
    "Sarah Cohen",
    "Olivier Bergeron",
    "Luis Da Silva",
    "Geneviève Girard",
    "Kevin O'Brien",
    "Mathieu Caron",
    "Amira Khan",
    "Dominic Simard",
    "Stéphanie Paquette",
    "Vincent Rossi",
    "Jean-Philippe Ouellet",
    "Rachid Mansouri",
    "Émilie Lapointe",
    "Francis Dubé",
    "Harpreet Singh",
    "Maxime Leclerc",
    "Catherine Beaulieu",
    "Guillaume Poirier",
    "Yannick Joseph",
    "Mélanie Fournier",
    "Samuel Kowalski",
    "Frédéric Saint-Louis",
    "Annie Mercier",
];

/// Products partners sell: (code, name, typical revenue range in cents).
pub const PRODUCTS: [(&str, &str, i64, i64); 10] = [
    (
        "HP-DUCTLESS",
        "Ductless mini-split heat pump",
        450_000,
        1_200_000,
    ),
    ("HP-CENTRAL", "Central heat pump", 900_000, 2_200_000),
    ("FURN-HE", "High-efficiency gas furnace", 500_000, 1_100_000),
    ("WH-TANKLESS", "Tankless water heater", 250_000, 600_000),
    ("RTU", "Commercial rooftop unit", 2_500_000, 9_000_000),
    ("WALK-IN", "Walk-in cooler", 1_800_000, 6_000_000),
    ("BMS", "Building automation system", 3_000_000, 12_000_000),
    ("THERMO", "Smart thermostats", 60_000, 250_000),
    ("EV-CHARGER", "EV charging station", 150_000, 900_000),
    ("GENERATOR", "Standby generator", 1_200_000, 3_500_000),
];

pub const LEAD_TYPES: [&str; 3] = ["residential", "commercial", "institutional"];

/// Products that make sense for each lead type (indices into [`PRODUCTS`]).
pub const PRODUCTS_BY_LEAD: [&[usize]; 3] = [
    &[0, 1, 2, 3, 7, 8, 9],
    &[0, 3, 4, 5, 6, 7, 8, 9],
    &[4, 6, 8, 9],
];

pub struct PartnerDef {
    pub name: &'static str,
    pub borough: usize,
    pub territories: &'static [usize],
    pub lead_types: &'static [usize],
    pub products: &'static [usize],
    pub capacity: u32,
    pub revenue: (i64, i64),
    pub contact: (&'static str, &'static str),
}

pub const PARTNERS: [PartnerDef; 10] = [
    PartnerDef {
        name: "Thermo-Confort Montréal",
        borough: 1,
        territories: &[0, 1, 2, 3],
        lead_types: &[0, 1],
        products: &[0, 1, 2, 3, 7, 8],
        capacity: 10,
        revenue: (100_000, 3_000_000),
        contact: ("Sophie", "Bergeron"),
    },
    PartnerDef {
        name: "Réfrigération Saint-Laurent",
        borough: 5,
        territories: &[5, 3],
        lead_types: &[1, 2],
        products: &[4, 5, 6],
        capacity: 6,
        revenue: (1_500_000, 15_000_000),
        contact: ("Dimitri", "Papadopoulos"),
    },
    PartnerDef {
        name: "Plomberie Rosemont & Fils",
        borough: 2,
        territories: &[2, 1],
        lead_types: &[0],
        products: &[2, 3],
        capacity: 5,
        revenue: (150_000, 1_500_000),
        contact: ("Luc", "Gauthier"),
    },
    PartnerDef {
        name: "Énergie Verte Plateau",
        borough: 1,
        territories: &[1, 2, 0],
        lead_types: &[0, 1],
        products: &[0, 1, 7, 8],
        capacity: 8,
        revenue: (50_000, 2_500_000),
        contact: ("Noémie", "Lefebvre"),
    },
    PartnerDef {
        name: "Groupe Climatech",
        borough: 3,
        territories: &[3, 4, 5, 0],
        lead_types: &[1, 2],
        products: &[0, 1, 4, 6, 7],
        capacity: 12,
        revenue: (500_000, 12_000_000),
        contact: ("Ahmed", "Benali"),
    },
    PartnerDef {
        name: "Électro-Services Verdun",
        borough: 4,
        territories: &[4, 0],
        lead_types: &[0, 1],
        products: &[7, 8, 9],
        capacity: 4,
        revenue: (50_000, 4_000_000),
        contact: ("Valérie", "Caron"),
    },
    PartnerDef {
        name: "Chauffage Laurentien",
        borough: 5,
        territories: &[5, 3],
        lead_types: &[0],
        products: &[1, 2, 3],
        capacity: 6,
        revenue: (300_000, 2_500_000),
        contact: ("Pierre", "Lévesque"),
    },
    PartnerDef {
        name: "Solutions Mécaniques NDG",
        borough: 3,
        territories: &[3, 0, 4],
        lead_types: &[0, 1],
        products: &[0, 2, 3, 4],
        capacity: 7,
        revenue: (200_000, 9_000_000),
        contact: ("Elena", "Rossi"),
    },
    PartnerDef {
        name: "Les Installations Boréal",
        borough: 2,
        territories: &[2, 1, 0, 3, 4, 5],
        lead_types: &[2],
        products: &[4, 6, 9],
        capacity: 3,
        revenue: (2_000_000, 15_000_000),
        contact: ("Félix", "Cloutier"),
    },
    PartnerDef {
        name: "Air Pur Ville-Marie",
        borough: 0,
        territories: &[0, 1],
        lead_types: &[1],
        products: &[0, 4, 6, 7],
        capacity: 5,
        revenue: (100_000, 8_000_000),
        contact: ("Wei", "Chen"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_service_type_a_customer_can_book_has_a_qualified_profile() {
        for (i, st) in SERVICE_TYPES.iter().enumerate().filter(|(_, s)| s.active) {
            let qualified = PROFILES.iter().any(|p| {
                st.skills
                    .iter()
                    .all(|&(c, min)| p.iter().any(|&(pc, r)| pc == c && r >= min))
            });
            assert!(
                qualified,
                "service type {i} ({}) has nobody to do it",
                st.name
            );
        }
    }

    #[test]
    fn every_asset_job_has_a_qualified_profile() {
        let kinds = [
            &FURNACE,
            &HEAT_PUMP,
            &BOILER,
            &WATER_HEATER,
            &ELECTRICAL_PANEL,
            &ROOFTOP_UNIT,
            &WALK_IN_COOLER,
        ]
        .into_iter()
        .chain([&REACH_IN, &FIRE_PANEL, &BMS_CONTROLLER])
        .chain(HOME_APPLIANCES.iter());
        for kind in kinds {
            for &job in kind.jobs {
                let needs = SERVICE_TYPES[job].skills.iter().chain(kind.skills);
                let needs: Vec<_> = needs.collect();
                let ok = PROFILES.iter().any(|p| {
                    needs
                        .iter()
                        .all(|&&(c, min)| p.iter().any(|&(pc, r)| pc == c && r >= min))
                });
                assert!(ok, "{} / {}", kind.name, SERVICE_TYPES[job].name);
            }
        }
    }

    #[test]
    fn shifts_are_valid_working_periods() {
        for shift in SHIFTS.iter().chain([&EVERY_DAY]) {
            for &(s, e) in shift.periods {
                assert!(s < e && e <= 1440);
            }
            assert!(shift.days.iter().all(|d| (1..=7).contains(d)));
        }
    }
}
