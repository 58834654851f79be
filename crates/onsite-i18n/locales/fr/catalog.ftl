# Les pages du catalogue de l'arrière-guichet (crate onsite-web, staff/catalog.rs ; onsite-app catalog.rs).

catalog-nav = Catalogue
catalog-nav-label = Sections du catalogue
catalog-code-label = Code
catalog-code-is = Code { $code }
catalog-name-label = Nom
catalog-status-label = État
catalog-active = Offert
catalog-retired = Retiré
catalog-create-button = Créer
catalog-rename-button = Renommer
catalog-retire-button = Retirer
catalog-retire-help = Une entrée retirée reste sur tout ce qui l'utilise et n'est plus offerte pour les nouveaux.
catalog-restore-button = Rétablir
catalog-notice-created = Créé.
catalog-notice-saved = Enregistré.
catalog-notice-retired = Retiré : il n'est plus offert.
catalog-notice-restored = Rétabli : il est offert de nouveau.
catalog-error-taken = Une autre entrée a déjà cette valeur : choisissez-en une autre.
catalog-error-changed = Quelqu'un d'autre a enregistré entre-temps. Le formulaire montre maintenant sa version : refaites votre modification.

catalog-skills-title = Compétences
catalog-skills-intro = Les caractéristiques qu'ont les techniciens et qu'exigent les types de service et les équipements, chacune notée de 1 (base) à 10 (expert).
catalog-skills-new = Nouvelle compétence
catalog-skills-none = Aucune compétence pour l'instant.
catalog-skills-scale = Notée de 1 (base) à 10 (expert).

catalog-products-title = Produits
catalog-products-intro = Ce que vendent les partenaires ; les opportunités nomment les produits qui les concernent.
catalog-products-new = Nouveau produit
catalog-products-none = Aucun produit pour l'instant.

catalog-lead-types-title = Types de piste
catalog-lead-types-intro = Les genres de piste que prennent les partenaires (le code est ce que gardent les profils de partenaire et les opportunités).
catalog-lead-types-new = Nouveau type de piste
catalog-lead-types-none = Aucun type de piste pour l'instant.

catalog-save-button = Enregistrer
catalog-service-types-title = Types de service
catalog-service-types-intro = Ce que les clients réservent et que le personnel planifie : la durée d'une visite et les compétences qu'elle exige. Un type de service retiré n'est plus offert ; les visites gardent le leur.
catalog-service-types-new = Nouveau type de service
catalog-service-types-none = Aucun type de service pour l'instant.
catalog-service-type-duration = Durée
catalog-service-type-minutes = { $minutes } min
catalog-service-type-booking = Réservation
catalog-service-type-self-scheduling = Réservé en ligne par les clients
catalog-service-type-staff-only = Personnel seulement
catalog-service-type-names = Noms dans d'autres langues (facultatif)
catalog-service-type-name-in = Nom en { $language }
catalog-service-type-description = Description
catalog-service-type-duration-minutes = Durée d'une visite (minutes, de 5 à 720)
catalog-service-type-skills = Compétences exigées, chacune avec sa note minimale
catalog-service-type-skill-not-required = Non exigée
catalog-service-type-skill-at-least = Au moins { $rating }
catalog-service-type-offer = Offert aux clients en libre-service
catalog-service-type-retired = Retiré (n'est plus offert à la réservation)
