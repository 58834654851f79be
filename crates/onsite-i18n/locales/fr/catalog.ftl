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
