"""Web shell: builds each product's Connexion app, its configuration, security, errors and CLI."""
